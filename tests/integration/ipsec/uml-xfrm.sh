#!/bin/sh
# The kernel-XFRM backend test inside user-mode Linux (docs/reference.md): this machine's
# kernel has no ESP, UML's 6.1 kernel has esp4 and ip_vti as modules. UML boots with
# the host filesystem as its root (hostfs), so the test binary, charon and the
# plugin are the host's own files; the guest mounts tmpfs over /run so nothing it
# creates lands in the host's /run. /tmp stays the host's: a checkout (and so the
# test binary and the paths built into it) may live there, as CI's clean clone does.
# Results come back through a directory in the build tree.
#
#   uml-xfrm.sh TEST_BINARY WORK_DIR [ARGS...]
# (bench/ipsec-up runs the same way: uml-xfrm.sh build/bench/ipsec-up /var/tmp --backend xfrm)
# Exit: the inner test's code; 77 (skipped) with the reason where UML cannot run.
set -u
inner=$(readlink -f "$1")
work=$2/uml-xfrm.$$
shift 2
args=""
for a in "$@"; do args="$args '$a'"; done
skip() { echo "SKIP: $*"; exit 77; }

[ "$(id -u)" -eq 0 ] || skip "needs root (CAP_NET_ADMIN)"
command -v linux.uml >/dev/null 2>&1 || skip "user-mode Linux is not installed (package user-mode-linux)"
command -v modprobe >/dev/null 2>&1 || skip "modprobe is missing (package kmod)"
moddir=$(ls -d /usr/lib/uml/modules/* 2>/dev/null | head -1)
[ -n "$moddir" ] || skip "no UML kernel modules under /usr/lib/uml/modules"
[ -x "$inner" ] || skip "test binary $inner not built"
case "$work" in
/*) ;;
*) work=$(pwd)/$work ;;
esac
mkdir -p "$work" || skip "cannot create $work"
trap 'rm -rf "$work"' EXIT

ver=$(basename "$moddir")
cat >"$work/init" <<EOF
#!/bin/sh
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs run /run
mkdir -p /run/mods/lib/modules /run/tmp
ln -s $moddir /run/mods/lib/modules/$ver
export TMPDIR=/run/tmp
# docs/reference.md#user-mode-linux: what kernel ESP and VTI need in UML's kernel
for m in xfrm_user esp4 ip_vti hmac sha256_generic sha512_generic cbc ecb authenc \\
	jitterentropy_rng drbg echainiv seqiv gcm veth tun; do
	modprobe -d /run/mods \$m >/dev/null 2>&1
done
ip link set lo up
# labctl itself may be ASan-instrumented (sanitized build): the test skips its CLI check
LABCTL_TEST_NO_CLI=1 ASAN_OPTIONS=detect_leaks=0 "$inner" $args >"$work/out" 2>&1
echo \$? >"$work/rc"
halt -f
EOF
chmod +x "$work/init"

# mem: ASan-instrumented binaries reserve a large shadow; UML gives them room.
timeout 240 linux.uml mem=1024M rootfstype=hostfs rootflags=/ rw init="$work/init" \
	con=null con0=fd:0,fd:1 </dev/null >"$work/console" 2>&1
if [ ! -f "$work/rc" ]; then
	if grep -q 'Run .* as init process' "$work/console"; then
		echo "UML booted but the test did not finish; console:"
		tail -40 "$work/console"
		exit 1
	fi
	echo "console:"
	tail -20 "$work/console"
	skip "user-mode Linux did not boot here (see console above)"
fi
cat "$work/out"
exit "$(cat "$work/rc")"
