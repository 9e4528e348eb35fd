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
# Exit: the inner test's code; 77 (skipped) naming the missing machine prerequisite,
# checked before booting (root, UML and its modules, a temp directory UML can map
# its memory from); 1 when UML, with all of that present, does not boot.
set -u
skip() { echo "SKIP: $*"; exit 77; }
broken() { echo "FAIL: $*" >&2; exit 1; }
[ $# -ge 2 ] || broken "usage: uml-xfrm.sh TEST_BINARY WORK_DIR [ARGS...] (the meson test() line passes them)"
inner=$(readlink -f "$1")
work=$2/uml-xfrm.$$
shift 2
args=""
for a in "$@"; do args="$args '$a'"; done

# The directory UML keeps its memory file in (arch/um/os-Linux/mem.c): TMPDIR, TMP
# or TEMP, else the first of /dev/shm and /tmp on tmpfs, else /tmp.
uml_tmpdir() {
	for v in "${TMPDIR:-}" "${TMP:-}" "${TEMP:-}"; do
		[ -n "$v" ] && echo "$v" && return
	done
	for d in /dev/shm /tmp; do
		[ "$(stat -f -c %T "$d" 2>/dev/null)" = tmpfs ] && echo "$d" && return
	done
	echo /tmp
}

[ "$(id -u)" -eq 0 ] || skip "needs root (CAP_NET_ADMIN)"
command -v linux.uml >/dev/null 2>&1 || skip "user-mode Linux is not installed (package user-mode-linux)"
command -v modprobe >/dev/null 2>&1 || skip "modprobe is missing (package kmod)"
moddir=$(ls -d /usr/lib/uml/modules/* 2>/dev/null | head -1)
[ -n "$moddir" ] || skip "no UML kernel modules under /usr/lib/uml/modules"
[ -x "$inner" ] || broken "test binary $inner is not built (the meson test() line depends on it)"
tmpd=$(uml_tmpdir)
[ -d "$tmpd" ] && [ -w "$tmpd" ] || skip "$tmpd (UML's temp directory) is missing or not writable"
findmnt -n -o OPTIONS --target "$tmpd" | tr , '\n' | grep -qx noexec &&
	skip "$tmpd is mounted noexec: user-mode Linux maps its memory from there with PROT_EXEC"
# mem=1024M below: its memory file may grow that large
avail=$(df -Pk "$tmpd" | awk 'NR == 2 {print $4}')
[ "${avail:-0}" -ge 1048576 ] ||
	skip "$tmpd has ${avail:-?} KiB free, less than the 1024 MiB user-mode Linux is given (mem=1024M)"
case "$work" in
/*) ;;
*) work=$(pwd)/$work ;;
esac
mkdir -p "$work" || broken "cannot create $work"
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
	# root, UML, its modules and its temp directory were checked above: a UML that
	# still does not boot is a failure to look into, not a skip
	echo "console:"
	tail -20 "$work/console"
	broken "user-mode Linux did not boot (console above)"
fi
cat "$work/out"
exit "$(cat "$work/rc")"
