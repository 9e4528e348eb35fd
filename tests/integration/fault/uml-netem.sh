#!/bin/sh
# Runs a test that needs netem (test_fault_impairment.c delay) inside user-mode
# Linux: this machine's kernel has no netem, UML's has sch_netem and veth as
# modules. UML boots with the host filesystem as its root (hostfs), so the test
# binary and tc are the host's own files; the guest mounts tmpfs over /run, so
# its namespaces and lab directory never land in the host's /run, and everything it
# creates dies with the guest. The exit code comes back through a file in WORK_DIR.
#
#   uml-netem.sh TEST_BINARY WORK_DIR [ARGS...]
# Exit: the inner test's code; 77 (skipped) naming a missing prerequisite; 1 when
# UML is there but does not boot or the test does not finish (console shown).
set -u
[ $# -ge 2 ] || { echo "usage: uml-netem.sh TEST_BINARY WORK_DIR [ARGS...]"; exit 2; }
inner=$(readlink -f "$1")
work=$2/uml-netem.$$
shift 2
args=""
for a in "$@"; do args="$args '$a'"; done
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || skip "needs root (CAP_NET_ADMIN)"
command -v linux.uml >/dev/null 2>&1 || skip "user-mode Linux is not installed (package user-mode-linux)"
command -v modprobe >/dev/null 2>&1 || skip "modprobe is missing (package kmod)"
command -v tc >/dev/null 2>&1 || skip "tc is missing (package iproute2)"
ver=$(linux.uml --version 2>/dev/null)
moddir=/usr/lib/uml/modules/$ver
[ -n "$ver" ] && [ -d "$moddir" ] || skip "no UML kernel modules in $moddir (package user-mode-linux)"
for m in sch_netem veth; do
	find "$moddir" -name "$m.ko*" | grep -q . || skip "UML kernel module $m is not in $moddir"
done
[ -x "$inner" ] || fail "test binary $inner not built"
case "$work" in
/*) ;;
*) work=$(pwd)/$work ;;
esac
mkdir -p "$work" || fail "cannot create $work"
trap 'rm -rf "$work"' EXIT

cat >"$work/init" <<INIT
#!/bin/sh
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs run /run
mkdir -p /run/mods/lib/modules /run/tmp
ln -s $moddir /run/mods/lib/modules/$ver
export TMPDIR=/run/tmp
# The kernel's own module requests (tc's qdiscs) must find UML's modules, not
# look for the host's: a modprobe that searches /run/mods.
printf '#!/bin/sh\nexec /sbin/modprobe -d /run/mods "\$@"\n' >/run/modprobe
chmod +x /run/modprobe
echo /run/modprobe >/proc/sys/kernel/modprobe
for m in veth sch_netem; do
	modprobe -d /run/mods \$m >>"$work/out" 2>&1 || echo "modprobe \$m failed" >>"$work/out"
done
ip link set lo up
"$inner"$args >>"$work/out" 2>&1
echo \$? >"$work/rc"
halt -f
INIT
chmod +x "$work/init"
: >"$work/out"

timeout 150 linux.uml mem=512M rootfstype=hostfs rootflags=/ rw init="$work/init" \
	con=null con0=fd:0,fd:1 </dev/null >"$work/console" 2>&1
if [ ! -f "$work/rc" ]; then
	cat "$work/out"
	echo "console:"
	tail -40 "$work/console"
	grep -q 'Run .* as init process' "$work/console" &&
		fail "UML booted but the test did not finish"
	fail "user-mode Linux is installed but did not boot"
fi
cat "$work/out"
exit "$(cat "$work/rc")"
