#!/bin/bash
# The --json answers of the commands that need no lab and no root (version,
# validate, predict, fit): each is exactly one JSON document on stdout (parsed
# by Python's json module, which rejects trailing text and a second document),
# with no control characters, and its values are those of the input (the
# topology's own counts and timers, the options given). Bad input: exit 2, the
# error on stderr, nothing on stdout. The shapes are docs/json.md's.
# usage: json_documents.sh LABCTL TOPOLOGY_DIR
set -u
labctl=$1 topodir=$2
fail=0
bad() {
	printf 'FAIL: %s\n' "$*" >&2
	fail=1
}
# Debian's python3 (scripts/setup) first: a version manager's shim costs a second
# a call
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3) || { echo "SKIP: python3 is not installed (scripts/setup)"; exit 77; }
tmp=$(mktemp -d /tmp/labctl-json-XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
export LABCTL_RUN_DIR=$tmp/run # nothing here may find a real lab

# json_doc NAME ARGS...: runs labctl ARGS, expects exit 0 and one JSON document,
# saved as $tmp/NAME.json.
json_doc() {
	local name=$1
	shift
	"$labctl" "$@" >"$tmp/$name.json" 2>"$tmp/$name.err"
	local rc=$?
	((rc == 0)) || bad "labctl $*: exit $rc: $(cat "$tmp/$name.err")"
	LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$tmp/$name.json" &&
		bad "labctl $*: control characters on stdout"
	"$PY" -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp/$name.json" 2>"$tmp/$name.py" ||
		bad "labctl $*: stdout is not one JSON document: $(head -c 300 "$tmp/$name.json") ($(tail -n 1 "$tmp/$name.py"))"
}

# jcheck NAME PYTHON-EXPRESSION DESCRIPTION: the expression over d (the document)
# is true.
jcheck() {
	"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$tmp/$1.json" "$2" 2>"$tmp/check.err" ||
		bad "$1: $3 ($2 is false: $(head -c 400 "$tmp/$1.json") $(tail -n 1 "$tmp/check.err"))"
}

# version: the same version as the text form
json_doc version version --json
text=$("$labctl" version)
jcheck version "d == {'name': 'labctl', 'version': '${text#labctl }', 'ipsec': d['ipsec']} and isinstance(d['ipsec'], bool)" \
	"version --json names labctl and the version 'labctl version' prints"

# validate: the counts of the file, read independently of labctl
topo=$topodir/single-tunnel.yaml
nodes=$("$PY" -c '
import sys, re
n = 0; on = False
for l in open(sys.argv[1]):
    if re.match(r"^nodes:", l): on = True; continue
    if on and re.match(r"^\S", l): on = False
    if on and re.match(r"^  [a-z0-9-]+:\s*$", l): n += 1
print(n)' "$topo")
((nodes > 0)) || bad "could not count the nodes of $topo"
json_doc validate validate --json "$topo"
jcheck validate "d['ok'] is True and d['name'] == 'single-tunnel' and d['nodes'] == $nodes and d['tunnels'] == 1 and d['problems'] == []" \
	"validate --json: ok, the name and $nodes nodes of $topo"
# the same counts as the namespaces up would create (its --dry-run script)
ns=$("$labctl" up "$topo" --dry-run | grep -c '^ip netns add ')
jcheck validate "d['nodes'] == $ns" "validate --json's nodes = the $ns namespaces of up --dry-run"

# a bad topology: exit 2, still one document, ok false with the problem's place
printf 'name: x\nnodes:\n  a: {role: host, interfaces: {eth0: 10.0.0.1/33}}\n' >"$tmp/bad.yaml"
"$labctl" validate --json "$tmp/bad.yaml" >"$tmp/bad.json" 2>/dev/null
rc=$?
((rc == 2)) || bad "validate --json of a bad file: exit $rc, expected 2"
jcheck bad "d['ok'] is False and len(d['problems']) >= 1 and all(p.get('line', 1) >= 1 for p in d['problems'])" \
	"validate --json of a bad file: ok false and its problems"

# predict: the topology, tunnel and timers given
json_doc predict predict single-tunnel --json --time-scale 0.5
jcheck predict "d['topology'] == 'single-tunnel' and d['tunnel'] == 'tun0' and d['time_scale'] == 0.5" \
	"predict --json names the topology, tunnel and --time-scale"
jcheck predict "d['input']['sides'][0]['gateway'] == 'ali-vpn0' and d['input']['sides'][0]['hold_s'] == 15" \
	"predict --json: ali-tr's hold 30 s x 0.5 on the ali-vpn0 side"
jcheck predict "all(set(m[k]) >= {'min_s', 'max_s'} for m in d['prediction']['models'] for k in ('fwd', 'rev', 'rtt') if m.get(k))" \
	"predict --json: every model's windows have min_s and max_s (the window object)"
json_doc predict_fault predict single-tunnel --json --fault blackhole
jcheck predict_fault "d['input']['fault'] == 'blackhole'" "predict --json --fault blackhole names the fault"

# fit: the measurements given, its window as every window is printed
json_doc fit fit --measured 35,40 --topology dual-tunnel --method range --json
jcheck fit "d['topology'] == 'dual-tunnel' and d['measured_s'] == [35, 40] and set(d['fit']['window_at_suggest']) == {'min_s', 'max_s'}" \
	"fit --json: the topology, the measurements and a window"

# the article object is one shape in predict and report (timers_article_json);
# predict's is compared here with the numbers of the text form
jcheck predict "set(d['article']) == {'formula', 'min_s', 'max_s', 'measured_s', 'why_rfc4271_differs'} and isinstance(d['article']['measured_s'], list)" \
	"predict --json: the article object"

# bad input: exit 2, error on stderr, stdout empty
for args in "predict nosuch --json" "fit --measured x --json" "version --json extra" \
	"up single-tunnel --json --dry-run"; do
	"$labctl" $args >"$tmp/e.out" 2>"$tmp/e.err"
	rc=$?
	((rc == 2)) || bad "labctl $args: exit $rc, expected 2"
	[[ -s $tmp/e.out ]] && bad "labctl $args: stdout not empty: $(head -c 200 "$tmp/e.out")"
	[[ -s $tmp/e.err ]] || bad "labctl $args: no error on stderr"
done

exit $fail
