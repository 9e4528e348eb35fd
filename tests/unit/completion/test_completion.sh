#!/bin/bash
# The bash completion (completions/labctl.bash, as built) called directly:
# COMP_WORDS/COMP_CWORD set, _labctl called, COMPREPLY compared. No root: a
# private LABCTL_RUN_DIR holds a fake lab (an intent log and a topology copy,
# as docs/run-dir.md describes them).
# usage: test_completion.sh LABCTL COMPLETION_SCRIPT SOURCE_ROOT
set -u
labctl=$1 completion=$2 src=$3
fail=0
tmp=$(mktemp -d /tmp/labctl-completion-XXXXXX) || { echo "FAIL: mktemp -d /tmp/labctl-completion-XXXXXX failed"; exit 1; }
trap 'rm -rf "$tmp"' EXIT

# shellcheck source=/dev/null
source "$completion" || { echo "FAIL: cannot source $completion" >&2; exit 1; }
complete -p labctl >/dev/null || { echo "FAIL: the script registers no completion for labctl" >&2; exit 1; }

export LABCTL_RUN_DIR=$tmp/run LABCTL_TOPOLOGY_DIR=$tmp/topos
mkdir -p "$tmp/run/mylab/ali-vpn0" "$tmp/run/other" "$tmp/topos" "$tmp/cwd/sub"
cat >"$tmp/run/mylab/state" <<'EOF'
created 1700000000
up 4242 123456
source /somewhere/two.yaml
phase building
netns mylab.ali-vpn0
netns mylab.azure-vpn0
netns mylab.vm
pid 4300 123999 ali-vpn0 charon
phase ready
EOF
cat >"$tmp/run/mylab/topology.yaml" <<'EOF'
name: two
nodes:
  ali-vpn0: {role: gateway}
  azure-vpn0: {role: gateway}
tunnels:
  # the primary
  t-a:
    psk: "x"
    ends:
      - {node: ali-vpn0, uplink: eth1, inside: 169.254.21.1/30}
      - {node: azure-vpn0, uplink: eth1, inside: 169.254.21.2/30}

  t_b:
    ike: {dpd: 10}
probes:
  p1: {from: ali-vpn0, to: azure-vpn0}
EOF
: >"$tmp/topos/extra-topo.yaml"
cp "$tmp/run/mylab/topology.yaml" "$tmp/topos/two.yaml"
: >"$tmp/cwd/mine.yaml"
: >"$tmp/cwd/notes.txt"
cd "$tmp/cwd" || exit 1

# complete WORD... : sets got to the completions of the last word, sorted, on
# one line (in this shell, so the completion's cache of --help texts lasts)
complete_words() {
	COMP_WORDS=("$labctl" "$@")
	COMP_CWORD=$#
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_labctl labctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort -u | tr '\n' ' ')
	got=${got% }
}

expect() {
	local want=$1
	shift
	complete_words "$@"
	if [[ $got != "$want" ]]; then
		printf 'FAIL: labctl %s<TAB>\n  got:      %s\n  expected: %s\n' "$*" "$got" "$want" >&2
		fail=1
	fi
}

# commands: what labctl --help lists (its dispatch table)
all=$({ LC_ALL=C "$labctl" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }'
	echo --help; } | sort | tr '\n' ' ' | sed 's/ $//')
[[ $all == *failover* ]] || { echo "FAIL: labctl --help lists no commands" >&2; fail=1; }
expect "$all" ''
expect "failover fault" fa
expect "failover" fai
expect "validate version" v

# labs and their nodes
expect "mylab other" exec ''
expect "mylab" status m
expect "ali-vpn0 azure-vpn0 vm" exec mylab ''
expect "ali-vpn0 azure-vpn0" shell mylab a
expect "ali-vpn0 azure-vpn0 vm" bgp mylab ''
expect "ali-vpn0 azure-vpn0 vm" ipsec mylab ''
expect "" exec nosuchlab ''

# fault kinds, and what each kind takes
kinds=$(grep -ohE '\[FAULT_[A-Z_]+\] = "[a-z-]+"' "$src"/lab/fault/*.c | sed 's/.*"\(.*\)"/\1/' |
	sort -u | tr '\n' ' ' | sed 's/ $//')
[[ $(wc -w <<<"$kinds") -ge 6 ]] || { echo "FAIL: read only '$kinds' from lab/fault/" >&2; fail=1; }
expect "$kinds" fault mylab ''
expect "link-down loss" fault mylab l
expect "t-a t_b" fault mylab ike-mismatch ''
expect "t-a t_b" fault mylab blackhole t
expect "ali-vpn0 azure-vpn0 vm" fault mylab link-down ''
expect "ali-vpn0 azure-vpn0 vm" fault mylab kill ''
expect "" fault mylab loss ''
expect "t-a t_b" fault mylab loss 10% ''
expect "t-a t_b" fault mylab delay 50 ''
expect "ali-vpn0 azure-vpn0 t-a t_b vm" heal mylab ''

# topologies: names from every directory labctl searches (the shipped ones, cloud
# profiles included, and $LABCTL_TOPOLOGY_DIR's), files, directories
shipped="alibaba-vpngw aws-azure azure-vpngw-active-active dual-tunnel"
expect "$shipped extra-topo gcp-azure mine.yaml single-tunnel sub two" up ''
expect "dual-tunnel" up du
expect "azure-vpngw-active-active" up az
expect "mine.yaml" up mi
expect "$shipped extra-topo gcp-azure mine.yaml single-tunnel sub two" validate x.yaml ''
expect "$shipped extra-topo gcp-azure mine.yaml single-tunnel sub two" predict ''
expect "$shipped extra-topo gcp-azure mine.yaml mylab other single-tunnel sub two" graph ''

# options of a command, from its --help
expect "--all --help --json --keep" down -
expect "--json" up dual-tunnel --js
expect "--help --json" heal mylab -
expect "--help --json" version -
expect "--json" status --j
expect "--dir --help --json --run --svg" report mylab -
expect "--duration --fault --help --interval --json --junit --param --quiet --runs --svg --time-scale --tunnel" failover mylab --
expect "--fault --fault-side" predict dual-tunnel --fau

# option values
expect "dot svg" graph x.yaml --format ''
expect "auto libipsec xfrm" up dual-tunnel --ipsec-backend ''
expect "fwd rev rtt" fit --measured 36.7 --direction ''
expect "programming-delay-fwd programming-delay-rev" fit --unknown programming-delay-
expect "blackhole ike-mismatch kill link-down loss" failover mylab --fault ''
expect "blackhole ike-mismatch kill-charon kill-speaker link-down loss:P" predict dual-tunnel --fault ''
expect "auto t-a t_b" failover mylab --tunnel ''
expect "t-a t_b" predict two --tunnel ''
expect "t-a t_b" predict "$tmp/topos/two.yaml" --tunnel ''
expect "t-a t_b" fit --topology two --tunnel ''
expect "sub" down mylab --keep ''
expect "ali-vpn0 azure-vpn0 vm" bgp --json mylab ''
# a value is not a positional argument: the lab comes after it
expect "mylab other" failover --runs 3 ''

# exec: a command after the node
complete_words exec mylab vm bas
[[ " $got " == *" bash "* ]] || { echo "FAIL: exec mylab vm bas<TAB> does not offer bash" >&2; fail=1; }

# LABCTL_RUN_DIR relative: labctl ignores it (lab/run/run.c), so does completion
LABCTL_RUN_DIR=run
complete_words exec ''
[[ $got != *mylab* ]] || { echo "FAIL: a relative LABCTL_RUN_DIR was used" >&2; fail=1; }

((fail == 0)) && echo "all completions as expected"
exit $fail
