# Sourced (not run) by the shell tests that bring labs up (run/lab.sh,
# bgp/lab_bgp.sh). A missing machine prerequisite, checked here before trying,
# skips the test naming it (exit 77); anything that fails after these checks is a
# failure (docs/testing.md).

lab_skip() {
	echo "SKIP: $*"
	exit 77
}

lab_prereq_root() {
	[ "$(id -u)" -eq 0 ] || lab_skip "needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN)"
}

# The kernel can add an ESP state (the probe labctl makes for ipsec_backend auto,
# lab/ipsec/backend.c), in a throwaway namespace.
lab_kernel_esp() {
	k=0x0000000000000000000000000000000000000000000000000000000000000000
	unshare --net ip xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x1000 \
		mode tunnel enc 'cbc(aes)' $k auth-trunc 'hmac(sha256)' $k 128 >/dev/null 2>&1
}

# What a lab with its services (charon, labctl-bgpd, BIRD) needs from the machine.
lab_prereq_services() {
	lab_prereq_root
	[ -x /usr/lib/ipsec/charon ] ||
		lab_skip "strongSwan's charon (/usr/lib/ipsec/charon) is not installed (scripts/setup)"
	command -v bird >/dev/null 2>&1 || lab_skip "BIRD 2 (bird) is not installed (scripts/setup)"
	# ipsec_backend auto: kernel ESP, else kernel-libipsec over /dev/net/tun
	[ -c /dev/net/tun ] || lab_kernel_esp ||
		lab_skip "the kernel can run no IPsec backend: no ESP (CONFIG_INET_ESP) and no /dev/net/tun (CONFIG_TUN)"
}

# The tail of each daemon log in lab run directory $1, to show why it failed.
lab_show_logs() {
	[ -d "$1" ] || {
		echo "(no run directory $1: no daemon logs)" >&2
		return 0
	}
	for f in "$1"/*/charon.log "$1"/*/bgpd.log "$1"/*/bird.log "$1"/*/bird.out; do
		[ -f "$f" ] || continue
		echo "--- ${f#"$1"/} (last 15 lines)" >&2
		tail -n 15 "$f" >&2
	done
}
