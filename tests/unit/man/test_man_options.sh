#!/bin/bash
# One source of truth for option text: for every command of labctl's dispatch
# table (lab/cli/labctl_main.c), the options `labctl CMD --help` names are the
# options labctl(1) lists under that command, both ways; every command has a
# section in the page and every section a command. The options of --help are
# read with the bash completion's own parser, so what completion offers is what
# the page documents. Also: every key the topology loader accepts is a term of
# labctl-topology(5), and every environment variable the code reads is in
# labctl(1)'s ENVIRONMENT.
# usage: test_man_options.sh LABCTL SOURCE_ROOT COMPLETION_SCRIPT
set -u
labctl=$1 src=$2 completion=$3
page=$src/docs/man/labctl.1.scd
topo_page=$src/docs/man/labctl-topology.5.scd
table=$src/lab/cli/labctl_main.c
fail=0
bad() {
	printf 'FAIL: %s\n' "$*" >&2
	fail=1
}

# shellcheck source=/dev/null
source "$completion" || { echo "FAIL: cannot source $completion" >&2; exit 1; }

# The dispatch table: { "name", cmd_fn, "summary" }, #ifdef'd entries included.
mapfile -t table_cmds < <(sed -n 's/^[[:space:]]*{[[:space:]]*"\([a-z][a-z0-9-]*\)",[[:space:]]*cmd_.*/\1/p' "$table")
((${#table_cmds[@]} >= 10)) || bad "read only ${#table_cmds[@]} commands from $table"

# The page's commands: "## NAME" headings inside "# COMMANDS".
mapfile -t page_cmds < <(awk '/^# / { on = ($0 == "# COMMANDS") } on && /^## / { print $2 }' "$page")

# Options the page lists under a command: the option terms (lines starting
# with "*-") of its section, e.g. "*-o*, *--output* _FILE_"; -h/--help are
# described once for all commands.
page_options() {
	awk -v c="$1" '/^# / { on = 0 } /^# COMMANDS$/ { cmds = 1 }
		cmds && /^## / { on = ($2 == c) }
		on && /^\*-/ { print }' "$page" |
		grep -oE '\*--?[A-Za-z0-9-]*\*' | tr -d '*' | grep -vxE -- '-h|--help' | sort -u
}

help_options() {
	_labctl_options "$labctl" "$1" | grep -vxE -- '-h|--help' | sort -u
}

in_list() {
	local w=$1
	shift
	local x
	for x in "$@"; do [[ $x == "$w" ]] && return 0; done
	return 1
}

for c in "${table_cmds[@]}"; do
	in_list "$c" "${page_cmds[@]}" || bad "command '$c' of $table has no section '## $c' in $page"
done
for c in "${page_cmds[@]}"; do
	in_list "$c" "${table_cmds[@]}" || bad "$page has a section '## $c' but $table has no command '$c'"
done

# commands this build has (an #ifdef'd one may be missing), from `labctl --help`
mapfile -t built < <(_labctl_commands "$labctl")
((${#built[@]} > 0)) || bad "labctl --help lists no commands"
checked=0
for c in "${table_cmds[@]}"; do
	if ! in_list "$c" "${built[@]}"; then
		echo "note: '$c' is not built into $labctl (an #ifdef'd command); its options are not compared"
		continue
	fi
	out=$(LC_ALL=C "$labctl" "$c" --help 2>&1)
	rc=$?
	if ((rc != 0)) || [[ $out != "usage: labctl $c"* ]]; then
		bad "labctl $c --help: exit $rc, expected 0 and a usage line; got: $out"
		continue
	fi
	h=$(help_options "$c")
	m=$(page_options "$c")
	only_help=$(comm -23 <(printf '%s\n' "$h" | sed '/^$/d') <(printf '%s\n' "$m" | sed '/^$/d'))
	only_page=$(comm -13 <(printf '%s\n' "$h" | sed '/^$/d') <(printf '%s\n' "$m" | sed '/^$/d'))
	[[ -z $only_help ]] || bad "labctl $c --help names ${only_help//$'\n'/ } but labctl(1) does not list it under '## $c'"
	[[ -z $only_page ]] || bad "labctl(1) lists ${only_page//$'\n'/ } under '## $c' but labctl $c --help does not name it"
	checked=$((checked + 1))
done
((checked >= 10)) || bad "compared the options of only $checked commands"
echo "compared the options of $checked commands"

# Every key of the topology loader's key lists (lab/topo/*.c: *_keys[] = {...})
# is a term of labctl-topology(5) ("*key*" at the start of a line, or a "*key*:"
# item of a term's text).
# (awk, not a sed range: a list opened and closed on one line ends there)
keys=$(awk '/_keys\[\] = \{/ { f = 1 } f { print } f && /\}/ { f = 0 }' "$src"/lab/topo/*.c | grep -oE '"[a-z_]+"' | tr -d '"' | sort -u)
nkeys=$(printf '%s\n' "$keys" | grep -c .)
((nkeys >= 30)) || bad "read only $nkeys keys from lab/topo/*.c"
for k in $keys; do
	grep -qE "^[[:space:]]*\*$k\*(,|:|$)|^\*[a-z_]+\*, \*$k\*$" "$topo_page" ||
		bad "topology key '$k' (lab/topo/) is not a term of labctl-topology(5)"
done
echo "checked $nkeys topology keys"

# Every environment variable labctl's code reads (getenv("X"), and the
# variables run_helper_path() is given) is a term of ENVIRONMENT in labctl(1).
vars=$(grep -rhoE 'getenv\("[A-Z_]+"\)|run_helper_path\("[^"]+", *"[A-Z_]+"' \
	"$src"/lab "$src"/netns "$src"/plugins --include='*.c' | grep -oE '"[A-Z_]+"' | tr -d '"' | sort -u)
nvars=$(printf '%s\n' "$vars" | grep -c .)
((nvars >= 4)) || bad "found only $nvars environment variables in the code"
envterms=$(awk '/^# / { on = ($0 == "# ENVIRONMENT") } on && /^\*/ { print }' "$page")
for v in $vars; do
	grep -qF "*$v*" <<<"$envterms" || bad "the code reads \$$v but labctl(1) has no ENVIRONMENT entry for it"
done
echo "checked $nvars environment variables"
exit $fail
