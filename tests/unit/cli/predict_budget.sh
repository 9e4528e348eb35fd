#!/bin/sh
# labctl predict as a CI gate, run the way a CI container runs it: as an
# unprivileged user (nobody, through setpriv, when the suite runs as root), with no
# lab, no namespace and no network. Exit codes 1 over budget, 0 within, 2 bad input;
# the verdict names the model, the direction and the excess; --junit validates.
set -u
labctl=$1
schema=$2
topologies=$3
fails=0
tmp=$(mktemp -d /tmp/labctl-predict-budget.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# What the unprivileged user runs lives in the scratch directory: the checkout
# may sit where nobody cannot look (a clone under /root, mode 0700).
cp "$labctl" "$tmp/labctl" && cp "$topologies/dual-tunnel.yaml" "$tmp/dual-tunnel.yaml" &&
	chmod 755 "$tmp/labctl" && chmod 644 "$tmp/dual-tunnel.yaml" || exit 1
labctl=$tmp/labctl
dual=$tmp/dual-tunnel.yaml
if [ "$(id -u)" -eq 0 ]; then
	# the scratch directory belongs to nobody, so --junit can write there
	chown nobody "$tmp"
	as() { setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all -- "$@"; }
else
	as() { "$@"; }
fi

# check NAME WANT-EXIT WANT-TEXT -- COMMAND...
check() {
	name=$1 want=$2 text=$3
	shift 4
	out=$(as "$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL $name: exit $rc, expected $want"; echo "$out" | tail -5; fails=$((fails + 1))
	elif [ -n "$text" ] && ! printf '%s\n' "$out" | grep -qF -- "$text"; then
		echo "FAIL $name: no '$text' in:"; echo "$out" | tail -5; fails=$((fails + 1))
	else
		echo "ok   $name"
	fi
}

as id -u | grep -qv '^0$' || { echo "FAIL: still root under setpriv"; exit 1; }

# dual-tunnel's lab model: rtt 30.8-41.0 s (docs/timer-math.md)
check over-30s 1 "over budget: model lab, fwd: worst case 41 s exceeds max_outage 30 s by 11 s" -- \
	"$labctl" predict "$dual" --max-outage 30s
check within-45s 0 "within budget: model lab" -- "$labctl" predict "$dual" --max-outage 45s
check rtt-only 1 "model lab, rtt: worst case 41 s exceeds max_outage 40 s by 1 s" -- \
	"$labctl" predict "$dual" --max-outage 40 --direction rtt
check rfc-model 0 "model rfc4271" -- "$labctl" predict "$dual" --max-outage 40 --model rfc4271
check bad-duration 2 "--max-outage '30x'" -- "$labctl" predict "$dual" --max-outage 30x
check bad-direction 2 "--direction 'up'" -- "$labctl" predict "$dual" --max-outage 30 --direction up
check bad-model 2 "model 'nope'" -- "$labctl" predict "$dual" --max-outage 30 --model nope
check junit-no-budget 2 "--junit: no budget" -- "$labctl" predict "$dual" --junit "$tmp/none.xml"
check scaled 1 "exceeds max_outage 3 s" -- "$labctl" predict "$dual" --time-scale 0.1 --max-outage 30

# the topology's own budget: expect: key, and a probe's override of it
cp "$topologies/dual-tunnel.yaml" "$tmp/own.yaml"
printf 'expect:\n  max_outage: {rtt: 35}\n' >>"$tmp/own.yaml"
cp "$topologies/dual-tunnel.yaml" "$tmp/probe.yaml"
printf 'expect:\n  max_outage: {rtt: 35}\n  probes:\n    ecs-vm: {max_outage: {rtt: 45s}}\n' >>"$tmp/probe.yaml"
chmod 644 "$tmp/own.yaml" "$tmp/probe.yaml"
check expect-key 1 "model lab, rtt: worst case 41 s exceeds max_outage 35 s by 6 s" -- \
	"$labctl" predict "$tmp/own.yaml"
check expect-probe 0 "rtt: worst case 41 s, 4 s under max_outage 45 s" -- "$labctl" predict "$tmp/probe.yaml"
check expect-overridden 0 "within budget" -- "$labctl" predict "$tmp/own.yaml" --max-outage 1m
check expect-json 1 '"budget":{"ok":false' -- "$labctl" predict "$tmp/own.yaml" --json

# JUnit, written by the unprivileged user, valid against the schema
check junit 1 "" -- "$labctl" predict "$dual" --max-outage 30 --junit "$tmp/p.xml"
if xmllint --noout --schema "$schema" "$tmp/p.xml" >/dev/null 2>&1; then
	echo "ok   junit-valid"
else
	echo "FAIL junit-valid"; xmllint --noout --schema "$schema" "$tmp/p.xml"; fails=$((fails + 1))
fi
# a sweep as the same user
check sweep 1 "within budget (lab): bgp.hold 3..29 s" -- \
	"$labctl" predict "$dual" --max-outage 40 --sweep bgp.hold=3..180 --svg "$tmp/s.svg"
xmllint --noout "$tmp/s.svg" 2>/dev/null && echo "ok   svg-well-formed" ||
	{ echo "FAIL svg-well-formed"; fails=$((fails + 1)); }

# partial loss: its own model, no window and so no budget; bad input exits 2
check loss 0 "likeliest: hold" -- "$labctl" predict "$dual" --fault loss:50 --samples 2000
check loss-json 0 '"loss_model":{"p":0.5,' -- "$labctl" predict "$dual" --fault loss:50 \
	--samples 500 --json
check loss-bad-p 2 "expected loss:P with P a percentage" -- "$labctl" predict "$dual" --fault loss:120
check loss-no-p 2 "give the loss as loss:P" -- "$labctl" predict "$dual" --fault loss
check loss-no-window 2 "a grey failure has no window" -- \
	"$labctl" predict "$dual" --fault loss:30 --max-outage 40
check duration-alone 2 "--duration applies to --fault loss:P only" -- \
	"$labctl" predict "$dual" --duration 30

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
