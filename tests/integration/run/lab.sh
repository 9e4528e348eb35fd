#!/bin/sh
# Integration tests of labctl up/down/status/list/exec on real namespaces.
# usage: lab.sh LABCTL TOPOLOGY CASE
# CASE: updown | kill-steps | kill-timed | kill-services | two-labs | exec | bad-topology | not-ready |
#       non-root
# Exit 0 pass, 1 fail, 77 skipped (only for a missing machine prerequisite, checked
# first: lab_prereq.sh). Every lab name carries our pid; a trap removes whatever a
# failing case left.
set -u
LABCTL=$1
TOPO=$2
CASE=$3
P=$$
FAILS=0

. "$(dirname "$0")/../lab_prereq.sh"
lab_prereq_root

# Every lab of ours, found by its name prefix (lab_name runs in $(...), a subshell:
# a list it kept would never reach this shell).
cleanup() {
	for d in /run/labctl/"t$P-"*; do
		[ -e "$d" ] && "$LABCTL" down "${d##*/}" >/dev/null 2>&1
	done
	rm -rf /run/labctl/".t$P-"*.creating.*
}
trap cleanup EXIT INT TERM

fail() {
	echo "FAIL: $*" >&2
	FAILS=$((FAILS + 1))
}

check() { # check DESCRIPTION COMMAND...
	d=$1
	shift
	"$@" >/dev/null 2>&1 || fail "$d"
}

lab_name() { # lab_name SUFFIX -> a name cleanup finds (prefix t$P-)
	echo "t$P-$1"
}

root_snapshot() {
	ip -br link
	ip -br addr
	ip route show table all
	ip rule
	cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/all/rp_filter \
		/proc/sys/net/ipv4/conf/default/rp_filter
}

# Processes inside lab $1's namespaces now, as "pid:starttime" (starttime tells a
# recycled pid apart). Namespace inode numbers are reused as soon as a namespace is
# freed (other tests create namespaces all the time), so "gone" is checked on these
# processes rather than on inode numbers after `down`.
lab_procs() {
	inodes=$(for f in /run/netns/"$1".*; do [ -e "$f" ] && stat -L -c %i "$f"; done)
	[ -n "$inodes" ] || return 0
	for p in /proc/[0-9]*; do
		i=$(stat -L -c %i "$p/ns/net" 2>/dev/null) || continue
		if echo "$inodes" | grep -qx "$i"; then
			echo "${p#/proc/}:$(cut -d' ' -f22 "$p/stat" 2>/dev/null)"
		fi
	done
}

# Nothing of lab $1 is left: namespace, run dir, mount, process (from lab_procs).
assert_gone() {
	lab=$1
	procs=$2
	ls /run/netns 2>/dev/null | grep -q "^$lab\." && fail "$lab: namespaces left: $(ls /run/netns | grep "^$lab\.")"
	[ -e "/run/labctl/$lab" ] && fail "$lab: /run/labctl/$lab left"
	grep -q -e "/run/netns/$lab\." -e "/run/labctl/$lab" /proc/self/mountinfo &&
		fail "$lab: mounts left"
	for ps in $procs; do
		pid=${ps%%:*}
		# One read of stat: a process that ends between two reads is gone, not a
		# survivor. A zombie has ended too (this script has not reaped it yet).
		st=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
		st=${st##*) }
		set -- $st
		[ "$1" != Z ] && [ "$(echo "$st" | cut -d' ' -f20)" = "${ps#*:}" ] &&
			fail "$lab: process $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)) survived down"
	done
	pgrep -f "LABCTL_TEST_LAB=$lab" >/dev/null && fail "$lab: test process left"
	# daemons name their config files under the run directory
	pgrep -af "/run/labctl/$lab/" | grep -v pgrep >/dev/null && fail "$lab: daemons left: $(pgrep -af "/run/labctl/$lab/")"
	return 0
}

up_ok() { # up_ok LAB [ARGS...]: labctl up, or a failure showing its output and logs
	l=$1
	shift
	if ! out=$("$LABCTL" up "$TOPO" --name "$l" "$@" 2>&1); then
		fail "up $l: $(printf '%s\n' "$out" | tail -n 20)"
		lab_show_logs "/run/labctl/$l"
		return 1
	fi
}

ping_from() { # ping_from LAB NODE ADDR
	"$LABCTL" exec "$1" "$2" -- ping -c 1 -W 2 "$3" >/dev/null 2>&1 || fail "$1: $2 cannot reach $3"
}

case_updown() {
	lab=$(lab_name ud)
	before=$(root_snapshot)
	out=$("$LABCTL" up "$TOPO" --name "$lab" --no-services 2>&1) || fail "up: $out"
	echo "$out"
	echo "$out" | grep -q "is up in" || fail "up printed no summary"
	[ "$(ls /run/netns | grep -c "^$lab\.")" -eq 9 ] || fail "expected 9 namespaces"
	# underlay: every public address reaches every other through internet
	for src in ali-vpn0 ali-vpn1 azure-vpn0 azure-vpn1; do
		for dst in 198.51.100.1 198.51.100.5 203.0.113.1 203.0.113.5; do
			ping_from "$lab" "$src" "$dst"
		done
	done
	ping_from "$lab" ecs 10.0.1.1        # ecs reaches ali-tr
	ping_from "$lab" vm 172.16.1.1       # vm reaches azure-hub
	# ip netns compatibility and a daemon-like process left running inside
	check "ip netns exec" ip netns exec "$lab.internet" ip -br addr
	setsid "$LABCTL" exec "$lab" ecs -- sh -c "LABCTL_TEST_LAB=$lab; sleep 300" </dev/null >/dev/null 2>&1 &
	sleep 0.2
	"$LABCTL" status "$lab" | grep -q "ready" || fail "status does not say ready"
	"$LABCTL" status "$lab" --json | grep -q '"present":true' || fail "status --json"
	"$LABCTL" list | grep -q "^$lab " || fail "list does not show $lab"
	[ "$(stat -c %a "/run/labctl/$lab")" = 700 ] || fail "run dir is not 0700"
	[ "$(stat -c %a "/run/labctl/$lab/topology.yaml")" = 600 ] || fail "topology copy is not 0600"
	grep -q '"ev":"up-ready"' "/run/labctl/$lab/ecs/events.jsonl" || fail "no up-ready event"
	procs=$(lab_procs "$lab")
	[ -n "$procs" ] || fail "the test process is not inside the lab"
	out=$("$LABCTL" down "$lab" 2>&1) || fail "down: $out"
	echo "$out"
	assert_gone "$lab" "$procs"
	out=$("$LABCTL" down "$lab" 2>&1) || fail "second down failed: $out"
	echo "$out" | grep -q "no lab named" || fail "second down: $out"
	after=$(root_snapshot)
	[ "$before" = "$after" ] || fail "root namespace changed: $(printf '%s\n' "$before" >/tmp/rt-before.$P; printf '%s\n' "$after" | diff /tmp/rt-before.$P -; rm -f /tmp/rt-before.$P)"
}

case_kill_steps() {
	# Dead before its lab had a name: only the hidden directory exists. `up` of
	# the same name and `down` (by name or --all) both clear it.
	lab=$(lab_name "k-hidden")
	LABCTL_TEST_DIE_AFTER=lab-hidden "$LABCTL" up "$TOPO" --name "$lab" --no-services >/dev/null 2>&1
	rc=$?
	[ $rc -eq 99 ] || fail "up with LABCTL_TEST_DIE_AFTER=lab-hidden exited $rc, not 99"
	ls -d /run/labctl/".$lab.creating."* >/dev/null 2>&1 || fail "lab-hidden: no hidden directory"
	"$LABCTL" down "$lab" >/dev/null 2>&1 || fail "down after death at lab-hidden"
	ls -d /run/labctl/".$lab.creating."* >/dev/null 2>&1 && fail "lab-hidden: down left the hidden directory"
	# (not `down --all`: it would take other tests' labs down too)
	LABCTL_TEST_DIE_AFTER=lab-hidden "$LABCTL" up "$TOPO" --name "$lab" --no-services >/dev/null 2>&1
	"$LABCTL" up "$TOPO" --name "$lab" --no-services >/dev/null 2>&1 || fail "up after death at lab-hidden"
	ls -d /run/labctl/".$lab.creating."* >/dev/null 2>&1 && fail "lab-hidden: up left the hidden directory"
	"$LABCTL" down "$lab" >/dev/null 2>&1 || fail "down after up after death at lab-hidden"
	assert_gone "$lab" ""
	for step in lab-dir netns-first netns sysctl links addresses routes network-ready ready; do
		lab=$(lab_name "k-$step")
		LABCTL_TEST_DIE_AFTER=$step "$LABCTL" up "$TOPO" --name "$lab" --no-services >/dev/null 2>&1
		rc=$?
		[ $rc -eq 99 ] || fail "up with LABCTL_TEST_DIE_AFTER=$step exited $rc, not 99"
		[ -d "/run/labctl/$lab" ] || fail "$step: no run dir after the simulated crash"
		"$LABCTL" list | grep "^$lab " | grep -q incomplete || fail "$step: list does not say incomplete"
		procs=$(lab_procs "$lab")
		"$LABCTL" down "$lab" >/dev/null 2>&1 || fail "down after death at $step"
		assert_gone "$lab" "$procs"
	done
}

# `up` (plus the extra arguments) SIGKILLed after DELAY seconds, then `down`: it
# must leave nothing behind.
up_killed_after() {
	lab=$1
	delay=$2
	shift 2
	"$LABCTL" up "$TOPO" --name "$lab" "$@" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	procs=$(lab_procs "$lab")
	"$LABCTL" down "$lab" >/dev/null 2>&1 || fail "down after SIGKILL at ${delay}s"
	assert_gone "$lab" "$procs"
}

case_kill_timed() {
	for delay in 0.005 0.01 0.02 0.03 0.05 0.2; do
		lab=$(lab_name "kt${delay#0.}")
		up_killed_after "$lab" "$delay" --no-services
	done
}

# With the real services (charon, bgpd, BIRD): death of `up` while daemons start.
case_kill_services() {
	lab_prereq_services
	before=$(root_snapshot)
	for step in spawn-recorded services network-ready; do
		lab=$(lab_name "ks-$step")
		LABCTL_TEST_DIE_AFTER=$step "$LABCTL" up "$TOPO" --name "$lab" >/dev/null 2>&1
		rc=$?
		[ $rc -eq 99 ] || fail "up with LABCTL_TEST_DIE_AFTER=$step exited $rc, not 99"
		sleep 0.2 # let daemons get going
		procs=$(lab_procs "$lab")
		[ "$step" = spawn-recorded ] || [ -n "$procs" ] || fail "$step: no daemon runs in the lab"
		"$LABCTL" down "$lab" >/dev/null 2>&1 || fail "down after death at $step"
		assert_gone "$lab" "$procs"
	done
	for delay in 0.15 0.4; do
		lab=$(lab_name "kst${delay#0.}")
		up_killed_after "$lab" "$delay"
	done
	# `down` while `up` is still building: up is stopped first, then everything.
	for delay in 0.02 0.3; do
		lab=$(lab_name "dd${delay#0.}")
		"$LABCTL" up "$TOPO" --name "$lab" >/dev/null 2>&1 &
		pid=$!
		# From the moment the lab's name exists: before it, `down` rightly finds no
		# lab, and a slow start (a loaded machine, a sanitized build) would turn
		# this into a test of nothing.
		i=0
		while [ ! -e "/run/labctl/$lab" ] && [ $i -lt 300 ] && kill -0 $pid 2>/dev/null; do
			sleep 0.02
			i=$((i + 1))
		done
		[ -e "/run/labctl/$lab" ] || fail "up of $lab never created /run/labctl/$lab"
		sleep "$delay"
		"$LABCTL" down "$lab" >/dev/null 2>&1 || fail "down during up (${delay}s)"
		wait $pid
		assert_gone "$lab" ""
	done
	[ "$before" = "$(root_snapshot)" ] || fail "the root namespace changed while labs with services came and went"
}

case_two_labs() {
	a=$(lab_name a)
	b=$(lab_name b)
	up_ok "$a" --no-services
	up_ok "$b" --no-services
	ping_from "$a" ali-vpn0 203.0.113.5
	ping_from "$b" ali-vpn0 203.0.113.5
	"$LABCTL" up "$TOPO" --name "$a" --no-services >/dev/null 2>&1 && fail "a second up of $a succeeded"
	# Take one lab's link down: the other must not notice.
	"$LABCTL" exec "$a" internet -- ip link set eth3 down || fail "link down in $a"
	"$LABCTL" exec "$a" ali-vpn0 -- ping -c 1 -W 1 203.0.113.5 >/dev/null 2>&1 && fail "$a still reaches azure-vpn1"
	ping_from "$b" ali-vpn0 203.0.113.5
	pa=$(lab_procs "$a")
	"$LABCTL" down "$a" >/dev/null 2>&1 || fail "down $a"
	assert_gone "$a" "$pa"
	"$LABCTL" status "$b" | grep -q ready || fail "$b is not ready after $a went down"
	pb=$(lab_procs "$b")
	"$LABCTL" down "$b" >/dev/null 2>&1 || fail "down $b"
	assert_gone "$b" "$pb"
}

case_exec() {
	lab=$(lab_name x)
	up_ok "$lab" --no-services
	"$LABCTL" exec "$lab" ecs -- sh -c 'exit 3'
	[ $? -eq 3 ] || fail "exit status 3 not passed through"
	"$LABCTL" exec "$lab" ecs -- true || fail "exit status 0 not passed through"
	"$LABCTL" exec "$lab" ecs -- /nonexistent/cmd 2>/dev/null
	[ $? -eq 127 ] || fail "missing command is not 127"
	"$LABCTL" exec "$lab" nosuchnode -- true 2>/dev/null
	[ $? -eq 2 ] || fail "unknown node is not exit 2"
	"$LABCTL" exec "t$P-nosuchlab" ecs -- true 2>/dev/null
	[ $? -eq 2 ] || fail "unknown lab is not exit 2"
	# inside: the node's addresses, its own /run, the lab dir at its own path
	"$LABCTL" exec "$lab" ecs -- ip -br addr | grep -q 10.0.1.171 || fail "exec is not in the ecs namespace"
	"$LABCTL" exec "$lab" ecs -- test -f "/run/labctl/$lab/state" || fail "lab dir not visible inside"
	"$LABCTL" exec "$lab" ecs -- test -e /run/netns && fail "/run inside is not the node's"
	"$LABCTL" exec "$lab" ecs -- sh -c 'ls /sys/class/net' | grep -q eth0 || fail "/sys is not the node's"
	[ "$("$LABCTL" exec "$lab" vm -- sh -c 'echo $LABCTL_NODE')" = vm ] || fail "LABCTL_NODE"
	out=$(echo 'ip -br addr show eth0; exit 4' | SHELL=/bin/sh "$LABCTL" shell "$lab" vm 2>/dev/null)
	[ $? -eq 4 ] || fail "shell exit status not passed through"
	echo "$out" | grep -q 172.16.1.4 || fail "shell is not in the vm namespace: $out"
	"$LABCTL" down "$lab" >/dev/null 2>&1 || fail "down"
}

case_bad_topology() {
	lab=$(lab_name bad)
	f=$(mktemp /tmp/labctl-bad.XXXXXX.yaml)
	sed 's/10.0.1.171\/24/10.0.1.300\/24/' "$TOPO" >"$f"
	out=$("$LABCTL" up "$f" --name "$lab" 2>&1)
	rc=$?
	[ $rc -eq 2 ] || fail "bad address: exit $rc, not 2"
	echo "$out" | grep -q "$f:[0-9]*:[0-9]*:" || fail "no file:line:col in: $out"
	[ -e "/run/labctl/$lab" ] && fail "run dir created for a bad topology"
	# (only our names: other tests create namespaces meanwhile)
	ls /run/netns 2>/dev/null | grep -q "^$lab\." && fail "namespaces created for a bad topology"
	"$LABCTL" up "$TOPO" --name "Bad_Name" >/dev/null 2>&1
	[ $? -eq 2 ] || fail "bad lab name is not exit 2"
	"$LABCTL" up /nonexistent.yaml --name "$lab" >/dev/null 2>&1
	[ $? -eq 2 ] || fail "missing file is not exit 2"
	"$LABCTL" up "$TOPO" --name "$lab" --time-scale 7 >/dev/null 2>&1
	[ $? -eq 2 ] || fail "bad time scale is not exit 2"
	[ -e "/run/labctl/$lab" ] && fail "run dir created for bad arguments"
	rm -f "$f"
}

case_not_ready() {
	lab=$(lab_name nr)
	f=$(mktemp /tmp/labctl-noforward.XXXXXX.yaml)
	# Valid (no tunnel needs the underlay), but the underlay does not forward.
	cat >"$f" <<EOF
name: not-ready
nodes:
  a: {role: gateway, interfaces: {eth0: 198.51.100.1/30}, routes: [{to: 203.0.113.0/24, via: 198.51.100.2}]}
  b: {role: gateway, interfaces: {eth0: 203.0.113.1/30}, routes: [{to: 198.51.100.0/24, via: 203.0.113.2}]}
  internet: {role: underlay, forwarding: false, interfaces: {eth0: 198.51.100.2/30, eth1: 203.0.113.2/30}}
links:
  - [a:eth0, internet:eth0]
  - [b:eth0, internet:eth1]
EOF
	out=$("$LABCTL" up "$f" --name "$lab" --timeout 1 2>&1)
	rc=$?
	rm -f "$f"
	[ $rc -eq 1 ] || fail "unreachable underlay: exit $rc, not 1"
	echo "$out" | grep -q "2 of 4 checks fail" || fail "not exactly the 2 underlay checks fail: $out"
	echo "$out" | grep -q "underlay check: a (198.51.100.1) -> 203.0.113.1 on b: no echo reply" ||
		fail "no diagnosis naming the failing check in: $out"
	echo "$out" | grep -q "labctl down $lab" || fail "no hint to run down: $out"
	"$LABCTL" list | grep "^$lab " | grep -q failed || fail "list does not say failed"
	procs=$(lab_procs "$lab")
	"$LABCTL" down "$lab" >/dev/null 2>&1 || fail "down after a failed up"
	assert_gone "$lab" "$procs"
}

case_non_root() {
	lab=$(lab_name nr)
	nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
	for cmd in "up $TOPO --name $lab" "down $lab" "status" "exec $lab ecs -- true" "shell $lab ecs"; do
		# shellcheck disable=SC2086
		out=$(nobody "$LABCTL" $cmd 2>&1)
		rc=$?
		[ $rc -eq 2 ] || fail "non-root '$cmd' exited $rc, not 2"
		echo "$out" | grep -q "needs root" || fail "non-root '$cmd' said: $out"
	done
	[ -e "/run/labctl/$lab" ] && fail "non-root up created a run dir"
	return 0
}

case "$CASE" in
updown) case_updown ;;
kill-steps) case_kill_steps ;;
kill-timed) case_kill_timed ;;
kill-services) case_kill_services ;;
two-labs) case_two_labs ;;
exec) case_exec ;;
bad-topology) case_bad_topology ;;
not-ready) case_not_ready ;;
non-root) case_non_root ;;
*)
	echo "unknown case $CASE" >&2
	exit 2
	;;
esac
[ $FAILS -eq 0 ] && echo "PASS: $CASE" && exit 0
echo "$FAILS failure(s) in $CASE" >&2
exit 1
