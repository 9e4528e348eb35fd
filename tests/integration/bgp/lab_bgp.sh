#!/bin/sh
# The bgp service in a whole lab: `labctl up dual-tunnel` (time-scaled) must come up
# with every session Established, ECMP on both routers, configs 0600, BIRD's log in
# the journal, traffic both ways; when ali-vpn1's speaker stops, ali-tr's ECMP set
# shrinks to the other tunnel at once (CEASE, then the withdraw). Cleans up always.
# usage: lab_bgp.sh LABCTL TOPOLOGY       exit 0 pass, 1 fail, 77 skipped (only
# for a missing machine prerequisite, checked first: lab_prereq.sh)
set -u
[ $# -eq 2 ] || {
	echo "FAIL: usage: lab_bgp.sh LABCTL TOPOLOGY (the meson test() line passes them)" >&2
	exit 1
}
LABCTL=$1
TOPO=$2
LAB="bgp$$"
FAILS=0
. "$(dirname "$0")/../lab_prereq.sh"
lab_prereq_services
trap '"$LABCTL" down "$LAB" >/dev/null 2>&1' EXIT INT TERM
fail() {
	echo "FAIL: $*" >&2
	FAILS=$((FAILS + 1))
}

if ! "$LABCTL" up "$TOPO" --name "$LAB" --time-scale 0.1 --timeout 90; then
	echo "FAIL: labctl up (its output above; the daemons' logs follow)" >&2
	lab_show_logs "/run/labctl/$LAB"
	exit 1
fi
dir=/run/labctl/$LAB
status=$("$LABCTL" status "$LAB" --json)
est=$(printf '%s' "$status" | grep -o '"state":"Established"' | wc -l)
[ "$est" -eq 12 ] || fail "12 sessions Established expected, got $est: $status"
printf '%s' "$status" | grep -q '"prefixes":2' || fail "prefix counts missing: $status"

paths() { # paths NODE PREFIX -> number of next hops of the bgp route
	ip -n "$LAB.$1" route show "$2" proto bgp | grep -c 'nexthop via\|^[0-9.\/]* via'
}
[ "$(paths ali-tr 172.16.1.0/24)" -eq 2 ] || fail "ali-tr: no 2-path ECMP to the VNet"
[ "$(paths azure-hub 10.0.0.0/16)" -eq 2 ] || fail "azure-hub: no 2-path ECMP to the VPC"
ip -n "$LAB.azure-vpn0" route show 10.0.0.0/16 proto bird | grep -q 'dev ipsec0' ||
	fail "azure-vpn0: BIRD did not install 10.0.0.0/16 over the tunnel"

for f in ali-tr/bgpd.conf ali-vpn0/bgpd.conf azure-hub/bgpd.conf azure-vpn0/bird.conf \
	azure-vpn1/bird.conf; do
	[ "$(stat -c %a "$dir/$f")" = 600 ] || fail "$f is not mode 0600"
done
grep -q '"src":"bird","ev":"state","peer":"169.254.21.1","to":"Established"' \
	"$dir/azure-vpn0/events.jsonl" || fail "BIRD's session not in azure-vpn0's journal"
"$LABCTL" exec "$LAB" ecs -- ping -c 2 -i 0.2 -W 2 172.16.1.4 >/dev/null || fail "ecs -> vm"
"$LABCTL" exec "$LAB" vm -- ping -c 2 -i 0.2 -W 2 10.0.1.171 >/dev/null || fail "vm -> ecs"

# ali-vpn1's speaker stops: CEASE to ali-tr, whose ECMP set loses that tunnel
pid=$(awk '$1 == "pid" && $4 == "ali-vpn1" && $5 == "bgpd" {print $2}' "$dir/state" | tail -n 1)
if [ -n "$pid" ] && kill "$pid"; then
	i=0
	while [ "$(paths ali-tr 172.16.1.0/24)" -ne 1 ] && [ $i -lt 40 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	ip -n "$LAB.ali-tr" route show 172.16.1.0/24 proto bgp | grep -q 'via 10.0.255.2 dev eth1' ||
		fail "ali-tr: ECMP did not shrink to ali-vpn0 within 2 s"
	ip -n "$LAB.ali-vpn1" route show proto bgp | grep -q . &&
		fail "ali-vpn1: routes left in the kernel after its speaker stopped"
	grep -q '"ev":"fib","prefix":"172.16.1.0/24","op":"replace","nexthops":\["10.0.255.2"\]' \
		"$dir/ali-tr/events.jsonl" || fail "ali-tr: the shrink is not in the journal"
else
	fail "no bgpd pid for ali-vpn1 in $dir/state"
fi

"$LABCTL" down "$LAB" >/dev/null || fail "labctl down"
ip netns list | grep -q "^$LAB\." && fail "namespaces left after down"
[ "$FAILS" -eq 0 ] || exit 1
echo "ok"
