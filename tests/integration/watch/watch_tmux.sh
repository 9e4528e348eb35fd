#!/bin/sh
# labctl watch and the progress lines, on a real lab, under tmux (a pty).
# usage: watch_tmux.sh LABCTL TOPOLOGY
# 1. `up` in a tmux pane: the progress line ("sessions n/N") reaches the pty;
#    `up` of a second lab with output to a file: no carriage return, no escape.
# 2. `watch` in a tmux pane while `failover` runs off a terminal: successive
#    captures show a session's hold timer counting down to below 1 s (never below
#    hold - keepalive while KEEPALIVEs arrive); failover's output has no control
#    characters; `q` ends watch with status 0.
# 3. `watch --interval` off a terminal: plain snapshots without control characters.
# 4. `failover` in a tmux pane: its "waiting for the ..." line reaches the pty.
# Exit 0 pass, 1 fail, 77 skip (a missing prerequisite, checked first).
set -u
LABCTL=$1
TOPO=$2
P=$$
FAILS=0

. "$(dirname "$0")/../lab_prereq.sh"
lab_prereq_services
command -v tmux >/dev/null 2>&1 || lab_skip "tmux is not installed (scripts/setup)"

LAB=tw$P
LAB2=tw$P-b
TM="tmux -L labctl-test-$P"
TMP=$(mktemp -d)
FO=
cleanup() {
	[ -n "$FO" ] && kill "$FO" 2>/dev/null
	$TM kill-server 2>/dev/null
	# tmux leaves its socket file behind
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/labctl-test-$P"
	wait 2>/dev/null
	"$LABCTL" down "$LAB" >/dev/null 2>&1
	"$LABCTL" down "$LAB2" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

fail() {
	echo "FAIL: $*" >&2
	FAILS=$((FAILS + 1))
}

# has_control FILE: a carriage return or an escape in FILE
has_control() {
	grep -q "$(printf '\r')" "$1" || grep -q "$(printf '\033')" "$1"
}

wait_file() { # wait_file FILE SECONDS
	i=0
	while [ ! -s "$1" ] && [ $i -lt $(($2 * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$1" ]
}

# --- 1. up: progress on the pty, none off it
$TM new-session -d -s up -x 200 -y 20 \
	"sleep 0.5; '$LABCTL' up '$TOPO' --name $LAB --time-scale 0.1 >/dev/null; echo \$? >$TMP/up.rc; sleep 60"
$TM pipe-pane -t up -o "cat >>$TMP/up.pty"
wait_file "$TMP/up.rc" 120 || fail "up in tmux did not finish in 120 s"
if [ "$(cat "$TMP/up.rc" 2>/dev/null)" != 0 ]; then
	echo "FAIL: labctl up $LAB failed (exit $(cat "$TMP/up.rc" 2>/dev/null))" >&2
	lab_show_logs "/run/labctl/$LAB"
	exit 1
fi
grep -a -q "waiting for readiness: namespaces [0-9]*/[0-9]*, tunnels [0-9]*/[0-9]*, sessions" "$TMP/up.pty" ||
	fail "up on a pty showed no progress line"
grep -a -q "$(printf '\r')" "$TMP/up.pty" || fail "up's progress line on a pty is not rewritten (no \\r)"
$TM kill-session -t up

if "$LABCTL" up "$TOPO" --name "$LAB2" --time-scale 0.1 >"$TMP/up2.out" 2>&1; then
	has_control "$TMP/up2.out" && fail "up off a terminal wrote control characters"
	grep -q "is up in" "$TMP/up2.out" || fail "up off a terminal: no summary"
else
	cat "$TMP/up2.out" >&2
	fail "labctl up $LAB2 failed"
fi
"$LABCTL" down "$LAB2" >/dev/null 2>&1

# --- 2. watch under tmux during a failover
$TM new-session -d -s w -x 160 -y 60 "'$LABCTL' watch $LAB; echo \$? >$TMP/watch.rc; sleep 60"
i=0
until $TM capture-pane -p -t w | grep -q "BGP SESSIONS"; do
	i=$((i + 1))
	[ $i -gt 100 ] && break
	sleep 0.1
done
$TM capture-pane -p -t w | grep -q "Established" || fail "watch shows no Established session"
"$LABCTL" failover "$LAB" >"$TMP/fo.out" 2>&1 &
FO=$!
# Each capture: "N node peer hold-left" for every session row with a hold time.
n=0
while kill -0 "$FO" 2>/dev/null && [ $n -lt 400 ]; do
	n=$((n + 1))
	$TM capture-pane -p -t w >"$TMP/cap"
	awk -v n=$n '/^BGP SESSIONS/ {s = 1; next} /^PROBE FLOWS/ {s = 0}
		s && $1 != "node" && $6 ~ /^[0-9.]+s$/ {sub(/s$/, "", $6); print n, $1, $2, $6}' \
		"$TMP/cap" >"$TMP/now"
	cat "$TMP/now" >>"$TMP/holds"
	# The screen for the closing note: probes lost and a hold timer below 1 s.
	if [ ! -s "$TMP/mid" ] && grep -q "LOST" "$TMP/cap" && awk '$4 < 1.0 {f = 1} END {exit !f}' "$TMP/now"; then
		cp "$TMP/cap" "$TMP/mid"
	fi
	sleep 0.1
done
wait "$FO"
rc=$?
FO=
[ $rc -eq 0 ] || {
	cat "$TMP/fo.out" >&2
	fail "failover exited $rc"
}
has_control "$TMP/fo.out" && fail "failover off a terminal wrote control characters"
# A session whose hold timer was seen counting down three captures in a row and
# going below 1 s: with KEEPALIVEs arriving it never drops below hold - keepalive.
awk '{k = $2 " " $3; v = $4 + 0
	if (k in last && v < last[k]) run[k]++; else run[k] = 0
	if (run[k] >= 2 && v < 1.0) {print "countdown", k, "reached", v; found = 1}
	last[k] = v}
	END {exit !found}' "$TMP/holds" >"$TMP/countdown" ||
	fail "no hold timer seen counting down below 1 s in $n captures"
head -n 1 "$TMP/countdown"
if [ -s "$TMP/mid" ]; then
	echo "--- watch mid-failover (capture-pane):"
	sed -e 's/ *$//' "$TMP/mid"
else
	fail "watch never showed a LOST probe flow during the failover"
fi
$TM send-keys -t w q
wait_file "$TMP/watch.rc" 5 || fail "watch did not quit on q"
[ "$(cat "$TMP/watch.rc" 2>/dev/null)" = 0 ] || fail "watch exited $(cat "$TMP/watch.rc" 2>/dev/null) after q"

# --- 3. plain snapshots
"$LABCTL" watch "$LAB" --interval 0.2 --count 3 >"$TMP/plain" 2>&1 || fail "watch --interval failed"
[ "$(grep -c '^BGP SESSIONS' "$TMP/plain")" = 3 ] || fail "watch --count 3 printed not 3 snapshots"
has_control "$TMP/plain" && fail "watch --interval wrote control characters"
"$LABCTL" watch "$LAB" --interval 0 >/dev/null 2>&1
[ $? -eq 2 ] || fail "watch --interval 0 is not a usage error (exit 2)"

# --- 4. failover's progress on a pty
$TM new-session -d -s f -x 200 -y 20 "sleep 0.5; '$LABCTL' failover $LAB >/dev/null; echo \$? >$TMP/fo2.rc; sleep 60"
$TM pipe-pane -t f -o "cat >>$TMP/fo.pty"
wait_file "$TMP/fo2.rc" 180 || fail "failover in tmux did not finish"
[ "$(cat "$TMP/fo2.rc" 2>/dev/null)" = 0 ] || fail "failover in tmux exited $(cat "$TMP/fo2.rc")"
grep -a -q "waiting for the hold-timer on [a-z0-9-]*: at most [0-9.]* s left of [0-9.]* s" "$TMP/fo.pty" ||
	fail "failover on a pty showed no 'waiting for the hold-timer' line"

[ $FAILS -eq 0 ] || {
	lab_show_logs "/run/labctl/$LAB"
	exit 1
}
echo "PASS"
