#!/bin/sh
# A generated hub-and-spoke lab of 30 sites, end to end: `labctl gen hub-spoke
# --sites 30` comes up at --time-scale 0.1; failing site 1's first tunnel
# (ike-mismatch) gives site 1's probe an outage inside the lab's predicted window,
# while sites 15 and 30 keep reaching the hub host; `down` leaves no namespace and
# no process of the lab.
# usage: hub_spoke.sh LABCTL        exit 0 pass, 1 fail, 77 skipped
set -u
LABCTL=$1
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (namespaces)"
	exit 77
fi
for b in /usr/lib/ipsec/charon bird ping; do
	if ! command -v "$b" >/dev/null 2>&1 && [ ! -x "$b" ]; then
		echo "SKIP: $b is not installed"
		exit 77
	fi
done
lab=g$$-hs
tmp=$(mktemp -d /tmp/labctl-hub-spoke.XXXXXX)
FAILS=0
fail() {
	echo "FAIL: $*" >&2
	FAILS=$((FAILS + 1))
}
cleanup() {
	"$LABCTL" down "$lab" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"$LABCTL" gen hub-spoke --sites 30 --name "hs30-$$" >"$tmp/h.yaml" || { echo "FAIL: gen"; exit 1; }
chmod 600 "$tmp/h.yaml"
if ! "$LABCTL" up "$tmp/h.yaml" --name "$lab" --time-scale 0.1 >"$tmp/up.log" 2>&1; then
	cat "$tmp/up.log"
	echo "FAIL: up"
	exit 1
fi
cat "$tmp/up.log"

# The other sites' traffic while site 1 fails: 0.1 s pings for 20 s.
for s in s015 s030; do
	"$LABCTL" exec "$lab" "$s-host" -- ping -n -q -i 0.1 -w 20 172.16.1.4 >"$tmp/$s.ping" 2>&1 &
done
sleep 1
"$LABCTL" failover "$lab" --tunnel s001-t0 >"$tmp/failover.log" 2>&1 || fail "failover exited $?"
cat "$tmp/failover.log"
wait
grep -q "inside the lab's window: fwd yes rev yes rtt yes" "$tmp/failover.log" ||
	fail "site 1's outage is not inside the lab's predicted window"
grep -q "mechanism: fwd: hold timer expired" "$tmp/failover.log" ||
	fail "the outage was not ended by the hold timer"
for s in s015 s030; do
	cat "$tmp/$s.ping"
	line=$(grep "packets transmitted" "$tmp/$s.ping")
	sent=$(echo "$line" | awk '{print $1}')
	got=$(echo "$line" | awk '{print $4}')
	# an isolated loss on a loaded machine is not an outage; 3 in a row would be
	if [ -z "$sent" ] || [ "$sent" -lt 150 ] || [ $((sent - got)) -gt 2 ]; then
		fail "$s lost its path to the hub while site 1 failed over ($line)"
	fi
done

pids=$(awk '$1 == "pid" {print $2 " " $3}' "/run/labctl/$lab/state")
"$LABCTL" down "$lab" || fail "down exited $?"
left=$(ip netns list | grep -c "^$lab\.")
[ "$left" -eq 0 ] || fail "$left namespaces of $lab left after down"
# A process counts as left when it still runs: one read of its stat (it may end
# between two), and a zombie has ended (its parent has only not reaped it yet).
alive() { # alive PID STARTTIME
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	st=${st##*) }
	[ "$(echo "$st" | cut -d' ' -f1)" != Z ] && [ "$(echo "$st" | cut -d' ' -f20)" = "$2" ]
}
echo "$pids" | while read -r pid start; do
	[ -n "$pid" ] || continue
	if alive "$pid" "$start"; then
		echo "FAIL: process $pid of $lab still runs after down" >&2
		echo x >>"$tmp/left-procs"
	fi
done
[ ! -s "$tmp/left-procs" ] || fail "processes left after down"
[ ! -d "/run/labctl/$lab" ] || fail "/run/labctl/$lab left after down"

[ "$FAILS" -eq 0 ] && echo "PASS" && exit 0
exit 1
