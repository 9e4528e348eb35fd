#!/bin/sh
# link-down + heal with a device-only route on the underlay node: the heal puts
# the routes the kernel flushed with the link back exactly as `up` added them,
# including "to D dev X" (no next-hop gateway).
# usage: link_heal.sh LABCTL TOPOLOGY   (single-tunnel; the route is added here)
# Exit 0 pass, 1 fail, 77 skipped. The lab (our pid in its name) and the scratch
# directory are removed on every exit.
set -u
LABCTL=$1
SRC=$2
LAB="lh$$"
DIR=$(mktemp -d /tmp/labctl-link-heal.XXXXXX) || exit 1
export LABCTL_RUN_DIR="$DIR/run"

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN)"
	rm -rf "$DIR"
	exit 77
fi

cleanup() {
	"$LABCTL" down "$LAB" >/dev/null 2>&1
	rm -rf "$DIR"
}
trap cleanup EXIT INT TERM

# The topology with one device-only route on `internet`, whose eth0 is the far end
# of ali-vpn0's uplink: the end link-down sets down.
sed 's/^    role: underlay$/    role: underlay\n    routes:\n      - {to: 192.0.2.0\/24, dev: eth0}/' \
	"$SRC" >"$DIR/topology.yaml"
grep -q '192.0.2.0/24, dev: eth0' "$DIR/topology.yaml" || {
	echo "FAIL: could not add the route to $SRC (is its underlay node still 'internet'?)" >&2
	exit 1
}

route() {
	ip -n "$LAB.internet" -4 route show 192.0.2.0/24
}

if ! "$LABCTL" up "$DIR/topology.yaml" --name "$LAB" --no-services >"$DIR/up.log" 2>&1; then
	cat "$DIR/up.log" >&2
	echo "FAIL: labctl up --no-services" >&2
	exit 1
fi
r=$(route)
case $r in
*"dev eth0"*) ;;
*) echo "FAIL: after up: 192.0.2.0/24 on internet is '$r', expected dev eth0" >&2; exit 1 ;;
esac

if ! "$LABCTL" fault "$LAB" link-down ali-vpn0 >"$DIR/fault.log" 2>&1; then
	cat "$DIR/fault.log" >&2
	echo "FAIL: labctl fault link-down ali-vpn0" >&2
	exit 1
fi
r=$(route)
if [ -n "$r" ]; then
	echo "FAIL: the kernel kept '$r' with its link down: this test shows nothing" >&2
	exit 1
fi

if ! "$LABCTL" heal "$LAB" >"$DIR/heal.log" 2>&1; then
	cat "$DIR/heal.log" >&2
	echo "FAIL: labctl heal after link-down (a device-only route)" >&2
	exit 1
fi
r=$(route)
case $r in
*"dev eth0"*) echo "ok: after heal: $r" ;;
*) echo "FAIL: after heal: 192.0.2.0/24 on internet is '$r', expected dev eth0" >&2; exit 1 ;;
esac
exit 0
