#!/bin/bash
# Every --json answer about a running lab parses as one JSON document (Python's
# json module: no trailing text, no second document, no progress line) and holds
# the values of what was done: up names the lab, its nodes and what it built;
# list, status, ipsec and bgp print the same lab, tunnel and session objects;
# fault names the kind and target given, stamped on the journals' clock (its t_ns
# is the t of the inject line in the node's journal); heal names exactly the faults
# it healed; down counts the namespaces up built. Bad input: exit 2, stdout empty.
# usage: lab_json.sh LABCTL TOPOLOGY CASE
# CASE: net (--no-services: namespaces only, root) | services (charon, speakers)
# Exit 0 pass, 1 fail, 77 skipped (a missing machine prerequisite, checked first).
set -u
LABCTL=$1
TOPO=$2
CASE=$3
LAB="js$$"
FAILS=0
. "$(dirname "$0")/../lab_prereq.sh"
if [ "$CASE" = services ]; then lab_prereq_services; else lab_prereq_root; fi
# Debian's python3 (scripts/setup) first: a version manager's shim costs a second
# a call
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || lab_skip "python3 is not installed (scripts/setup)"
command -v nft >/dev/null 2>&1 || lab_skip "nft (nftables) is not installed (scripts/setup)"
TMP=$(mktemp -d /tmp/labctl-lab-json-XXXXXX) || exit 1
cleanup() {
	"$LABCTL" down "$LAB" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*" >&2
	FAILS=$((FAILS + 1))
}

# jdoc NAME ARGS...: labctl ARGS must exit 0 with one JSON document on stdout and
# no control characters there; kept as $TMP/NAME.json. 1 when it failed.
jdoc() {
	name=$1
	shift
	"$LABCTL" "$@" >"$TMP/$name.json" 2>"$TMP/$name.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "labctl $*: exit $rc: $(tail -n 5 "$TMP/$name.err")"
		return 1
	fi
	if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$TMP/$name.json"; then
		fail "labctl $*: control characters on stdout"
	fi
	"$PY" -c 'import json, sys; json.load(open(sys.argv[1]))' "$TMP/$name.json" 2>"$TMP/py.err" || {
		fail "labctl $*: stdout is not one JSON document: $(head -c 300 "$TMP/$name.json") ($(tail -n 1 "$TMP/py.err"))"
		return 1
	}
}

# jcheck DESCRIPTION PYTHON-EXPRESSION: true over the documents, each a variable
# named after its jdoc NAME (up, status, ...), plus lab (the lab name), run (its
# run directory) and journal(node) (that node's journal lines, parsed).
jcheck() {
	"$PY" - "$TMP" "$LAB" "$2" 2>"$TMP/check.err" <<'PY' || fail "$1 ($2 is false; $(tail -n 1 "$TMP/check.err"))"
import glob, json, os, sys
tmp, lab, expr = sys.argv[1:4]
env = {os.path.basename(f)[:-5]: json.load(open(f)) for f in glob.glob(tmp + "/*.json")
       if os.path.getsize(f) > 0}
env["lab"] = lab
def journal(node):
    with open(os.path.join(env["up"]["lab"]["dir"], node, "events.jsonl")) as f:
        return [json.loads(l) for l in f]
env["journal"] = journal
sys.exit(0 if eval(expr, env) else 1)
PY
}

# no_doc DESCRIPTION ARGS...: labctl ARGS fails with exit 2, an error on stderr
# and nothing on stdout.
no_doc() {
	d=$1
	shift
	"$LABCTL" "$@" >"$TMP/e.out" 2>"$TMP/e.err"
	rc=$?
	[ $rc -eq 2 ] || fail "$d: labctl $*: exit $rc, expected 2"
	[ -s "$TMP/e.out" ] && fail "$d: labctl $*: stdout not empty: $(head -c 200 "$TMP/e.out")"
	[ -s "$TMP/e.err" ] || fail "$d: labctl $*: no error on stderr"
	rm -f "$TMP/e.out"
}

mono_ns() { "$PY" -c 'import time; print(time.monotonic_ns())'; }

if [ "$CASE" = services ]; then
	upargs="--time-scale 0.1 --timeout 120"
else
	upargs="--no-services"
fi
# shellcheck disable=SC2086
if ! jdoc up up "$TOPO" --name "$LAB" $upargs --json; then
	cat "$TMP/up.err" >&2
	lab_show_logs "/run/labctl/$LAB"
	exit 1
fi
ns=$(ip netns list | grep -c "^$LAB\.")
jcheck "up --json names the lab, ready, every node's namespace present" \
	"up['lab']['lab'] == lab and up['lab']['state'] == 'ready' and up['up']['ready'] is True and all(n['present'] and n['namespace'] == lab + '.' + n['name'] for n in up['lab']['nodes'])"
jcheck "up --json: built nodes = the $ns namespaces that exist = its node objects" \
	"up['up']['built']['nodes'] == $ns == len(up['lab']['nodes'])"
jcheck "up --json: phase timings add up to the total" \
	"all(v >= 0 for v in up['up']['timings_s'].values()) and abs(sum(up['up']['timings_s'][k] for k in ('network', 'services', 'readiness')) - up['up']['timings_s']['total']) < 0.01"
jdoc validate validate --json "$TOPO"
jcheck "up --json's built counts are validate --json's" \
	"all(up['up']['built'][k] == validate[k] for k in ('name', 'nodes', 'links', 'tunnels', 'bgp_speakers', 'bird_speakers', 'bgp_sessions', 'probes'))"

jdoc list list --json
jcheck "list --json has the lab, ready, with the head of status's lab object" \
	"[x for x in list if x['lab'] == lab] and all(set(x) == {'lab', 'state', 'topology', 'age_s'} for x in list) and [x for x in list if x['lab'] == lab][0]['state'] == 'ready'"
jdoc status status "$LAB" --json
jcheck "status --json is the lab object up printed (same members, same nodes)" \
	"set(status) == set(up['lab']) and status['nodes'] == up['lab']['nodes'] and status['dir'] == up['lab']['dir'] and set(status['services']) == set(up['lab']['services'])"
jcheck "list and status agree on the head" \
	"[x for x in list if x['lab'] == lab][0]['topology'] == status['topology']"

if [ "$CASE" = services ]; then
	jcheck "up --json: ipsec and bgp started, a backend chosen, the tunnel up" \
		"'ipsec' in up['up']['services'] and 'bgp' in up['up']['services'] and up['up']['ipsec_backend'] in ('xfrm', 'libipsec') and all(t['state'] == 'up' for t in status['services']['ipsec']['tunnels'])"
	jcheck "status --json: every session Established with uptime_ms (the speaker's unit)" \
		"all(s['state'] == 'Established' and (s.get('uptime_ms', 0) >= 0) for n in status['services']['bgp']['nodes'] for s in n['sessions']) and sum(len(n['sessions']) for n in status['services']['bgp']['nodes']) == 2 * up['up']['built']['bgp_sessions']"
	jdoc ipsec ipsec "$LAB" ali-vpn0 --json
	jcheck "ipsec --json prints status's tunnel objects (same members, same ends)" \
		"ipsec['node'] == 'ali-vpn0' and len(ipsec['tunnels']) >= 1 and all(set(t) == set(s) and [e['node'] for e in t['ends']] == [e['node'] for e in s['ends']] for t in ipsec['tunnels'] for s in status['services']['ipsec']['tunnels'] if s['name'] == t['name']) and any(e['node'] == 'ali-vpn0' for e in ipsec['tunnels'][0]['ends'])"
	jdoc bgp bgp "$LAB" ali-tr --json
	jcheck "bgp --json: the sessions of status for ali-tr, same peers and states, uptime_ms" \
		"sorted((s['peer'], s['state']) for s in bgp['sessions']) == sorted((s['peer'], s['state']) for n in status['services']['bgp']['nodes'] if n['node'] == 'ali-tr' for s in n['sessions']) and all('uptime_ms' in s for s in bgp['sessions'])"
fi

# fault: the kind and target given, on the journal's clock
t0=$(mono_ns)
jdoc fault1 fault "$LAB" link-down ali-vpn0 --json
t1=$(mono_ns)
jcheck "fault --json names the lab, kind and target given" \
	"fault1['lab'] == lab and fault1['fault']['kind'] == 'link-down' and fault1['fault']['target'] == 'ali-vpn0' and fault1['fault']['param'] is None"
jcheck "fault --json's t_ns lies within the command and is the journal's inject line" \
	"$t0 <= fault1['fault']['t_ns'] <= $t1 and any(e['src'] == 'fault' and e['ev'] == 'inject' and e['t'] == fault1['fault']['t_ns'] and e['kind'] == 'link-down' for e in journal(fault1['fault']['node']))"
jdoc fault2 fault "$LAB" loss 5% tun0 --json
jcheck "fault --json: loss 5% on tun0 (param 5, the tunnel named)" \
	"fault2['fault']['kind'] == 'loss' and fault2['fault']['target'] == 'tun0' and fault2['fault']['tunnel'] == 'tun0' and fault2['fault']['param'] == 5 and fault2['fault']['wall'].endswith('Z')"
no_doc "the same fault twice" fault "$LAB" loss 5% tun0 --json
no_doc "an unknown fault kind" fault "$LAB" melt tun0 --json
no_doc "a fault on a node that does not exist" fault "$LAB" link-down nosuch --json

jdoc heal1 heal "$LAB" ali-vpn0 --json
jcheck "heal --json LAB ali-vpn0 heals exactly the link-down, as fault printed it" \
	"heal1['target'] == 'ali-vpn0' and [(f['kind'], f['target'], f['node'], f['detail']) for f in heal1['healed']] == [('link-down', 'ali-vpn0', fault1['fault']['node'], fault1['fault']['detail'])] and heal1['healed'][0]['t_ns'] > fault1['fault']['t_ns']"
jdoc heal2 heal "$LAB" --json
jcheck "heal --json heals the rest (loss on tun0)" \
	"heal2['target'] is None and [(f['kind'], f['param']) for f in heal2['healed']] == [('loss', 5)] and any(e['ev'] == 'heal' and e['t'] == heal2['healed'][0]['t_ns'] for e in journal(heal2['healed'][0]['node']))"
jdoc heal3 heal "$LAB" --json
jcheck "heal --json with nothing active: an empty list" "heal3['healed'] == []"

# down: what up built is what down removed
procs=$("$PY" -c 'import json, sys; print(sum(1 for n in json.load(open(sys.argv[1]))["nodes"] for p in n["processes"] if p["alive"]))' "$TMP/status.json")
jdoc down down "$LAB" --json
jcheck "down --json: the lab existed, its namespaces = up's built nodes, its $procs processes stopped" \
	"[x['lab'] for x in down['labs']] == [lab] and down['labs'][0]['existed'] is True and down['labs'][0]['namespaces'] == up['up']['built']['nodes'] and down['labs'][0]['processes_stopped'] == $procs and down['labs'][0]['kept'] is None"
[ "$(ip netns list | grep -c "^$LAB\.")" -eq 0 ] || fail "namespaces of $LAB left after down"
jdoc down2 down "$LAB" --json
jcheck "down --json of a lab that is gone: existed false, nothing removed" \
	"down2['labs'] == [dict(down2['labs'][0], lab=lab, existed=False, namespaces=0, processes_stopped=0)]"

[ $FAILS -eq 0 ] || exit 1
echo "PASS ($CASE)"
