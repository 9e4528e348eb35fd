# bash completion for labctl(1).
#
# What each command takes is read from labctl itself at completion time: the
# commands from `labctl --help` (its dispatch table), a command's options, their
# values and its positional arguments from `labctl CMD --help`, the fault kinds
# from `labctl fault --help`. So a new command or option completes without an
# edit here, and tests/unit/man/ checks the same option lists against labctl(1).
# Labs, nodes and tunnels come from the run directory (docs/run-dir.md).

# Where labctl looks for topology names, in its order (lab/topo/query.c); the
# build fills in the source tree and the installed data directory.
_labctl_topology_dirs=("@SOURCE_TOPODIR@" "@TOPO_DATADIR@")

# labctl ignores a LABCTL_RUN_DIR that is not absolute (lab/run/run.c).
_labctl_run_root()
{
	local r=${LABCTL_RUN_DIR-}
	[[ $r == /* ]] || r=/run/labctl
	printf '%s\n' "$r"
}

# `labctl [CMD] --help`, from the labctl being completed; kept per shell until
# that labctl changes (a rebuild or an upgrade).
declare -gA _labctl_help_cache=()
_labctl_help()
{
	local exe=$1
	shift
	local key
	key="$exe $* $(stat -L -c '%Y %s' -- "$exe" 2>/dev/null)"
	if [[ -z ${_labctl_help_cache[$key]+set} ]]; then
		_labctl_help_cache[$key]=$(LC_ALL=C "$exe" "$@" --help 2>/dev/null)
	fi
	printf '%s\n' "${_labctl_help_cache[$key]}"
}

# The parsed --help of a command (below), cached as the text is.
declare -gA _labctl_parsed_cache=()
_labctl_parsed_help()
{
	local key
	key="$1 $2 $(stat -L -c '%Y %s' -- "$1" 2>/dev/null)"
	if [[ -z ${_labctl_parsed_cache[$key]+set} ]]; then
		_labctl_parsed_cache[$key]=$(_labctl_help "$1" "$2" | _labctl_parse_help)
	fi
	printf '%s\n' "${_labctl_parsed_cache[$key]}"
}

# The commands of the dispatch table, from `labctl --help`.
_labctl_commands()
{
	_labctl_help "$1" | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }'
}

# Parses a command's --help text (stdin). Prints one line per option it names:
#   opt<TAB>value template (empty: takes no value)<TAB>words of its description
# and one line per positional argument of the usage synopsis:
#   @<TAB>TEMPLATE
# Text between backquotes quotes another command line and is ignored. An
# option is --long, -x or a bare --; "-o, --output FILE" gives -o its value from
# the synopsis' "[-o FILE]".
_labctl_parse_help()
{
	awk '
	function trim(t) { sub(/^[\[(|]+/, "", t); sub(/[\]),.;:]+$/, "", t); return t }
	function isopt(t) { return t == "--" || t ~ /^--[A-Za-z][A-Za-z0-9-]*$/ || t ~ /^-[A-Za-z]$/ }
	# an option value: upper-case words (FILE, N|NAME|auto) or lower-case alternatives
	function isval(t) { return t ~ /^[A-Z]/ || t ~ /^[a-z0-9][a-z0-9-]*(\|[a-z0-9][a-z0-9-]*)+$/ }
	{ line[++nl] = $0 }
	END {
		# join lines broken after a "|" and cut quoted command lines
		text = line[1]
		for (i = 2; i <= nl; i++) text = text "\n" line[i]
		gsub(/\|\n[ \t]*/, "|", text)
		gsub(/`[^`]*`/, " ", text)
		gsub(/\|-/, " -", text)
		n = split(text, L, "\n")
		syn = 0
		for (i = 1; i <= n; i++) {
			l = L[i]
			# the synopsis: the usage line and the lines that continue it with "["
			syn = (i == 1 && l ~ /^usage:/) || (syn && l ~ /^[ \t]+\[/)
			m = split(l, w, /[ \t]+/)
			pos = 0; after_dd = 0
			for (k = 1; k <= m; k++) {
				raw = w[k]; t = trim(raw)
				if (t == "") continue
				if (isopt(t)) {
					if (!(t in seen)) { seen[t] = 1; order[++no] = t }
					if (t == "--") { if (syn) after_dd = 1; continue }
					if (raw ~ /[\],]$/ || k == m) continue
					v = w[k + 1]
					if (v ~ /^\[/) continue
					v = trim(v)
					if (!isval(v)) continue
					if (!(t in tmpl)) tmpl[t] = v
					k++
					# the rest of an option line that describes it
					if (l ~ /^[ \t]+-/ && !(t in desc)) {
						d = ""
						for (j = k + 1; j <= m; j++) d = d " " w[j]
						for (j = i + 1; j <= n && L[j] ~ /^[ \t][ \t][ \t][ \t][ \t][ \t]+[^ \t-]/; j++) d = d " " L[j]
						desc[t] = d
					}
					continue
				}
				# positional arguments: upper-case words of the synopsis
				# (a trailing ... says the argument repeats)
				r = raw; sub(/^[\[(|]+/, "", r); sub(/[\]),;:]+$/, "", r)
				if (syn && !after_dd && r ~ /^[A-Z][A-Z|]*(\.\.\.)?$/) P[++np] = r
			}
		}
		for (k = 1; k <= no; k++) {
			o = order[k]
			printf "%s\t%s\t%s\n", o, tmpl[o], desc[o]
		}
		for (k = 1; k <= np; k++) printf "@\t%s\n", P[k]
	}'
}

# Option names of a command, one a line (the man page test uses this too).
_labctl_options()
{
	_labctl_help "$1" "$2" | _labctl_parse_help | awk -F'\t' '$1 != "@" { print $1 }'
}

# Fault kinds and what each takes: "KIND ARG..." per line, from `fault --help`.
_labctl_fault_kinds()
{
	# "  loss P% TUNNEL        random loss ...": the kind and its arguments end
	# where two spaces begin the description
	_labctl_help "$1" fault | awk '/^  [a-z][a-z0-9-]* +[A-Z]/ {
		sub(/^  /, ""); split($0, part, /   */); print part[1] }'
}

_labctl_labs()
{
	local root d
	root=$(_labctl_run_root)
	for d in "$root"/*/; do
		[[ -d $d ]] || continue
		d=${d%/}
		printf '%s\n' "${d##*/}"
	done
}

# A lab's nodes: the namespaces its intent log records (netns LAB.NODE).
_labctl_nodes()
{
	local dir
	dir="$(_labctl_run_root)/$1"
	[[ -r $dir/state ]] || return
	awk -v p="$1." '$1 == "netns" && index($2, p) == 1 { print substr($2, length(p) + 1) }' \
		"$dir/state" | sort -u
}

# Tunnel names: the keys of the top-level "tunnels:" mapping of a topology file
# written in block style (as every shipped topology is).
_labctl_topo_tunnels()
{
	[[ -r $1 ]] || return
	awk '
	/^[^ \t#]/ { on = ($0 ~ /^tunnels:[ \t]*(#.*)?$/); ind = ""; next }
	!on || /^[ \t]*(#.*)?$/ { next }
	{
		match($0, /^[ \t]+/); cur = substr($0, 1, RLENGTH)
		if (ind == "") ind = cur
		if (cur == ind && match($0, /^[ \t]+[A-Za-z0-9_-]+:/)) {
			k = $1; sub(/:.*/, "", k); print k
		}
	}' "$1"
}

_labctl_tunnels()
{
	_labctl_topo_tunnels "$(_labctl_run_root)/$1/topology.yaml"
}

# The file of a topology argument, resolved as labctl resolves NAME|FILE.
_labctl_topology_file()
{
	local t=$1 d
	if [[ $t == */* || $t == *.yaml || $t == *.yml ]]; then
		printf '%s\n' "$t"
		return
	fi
	for d in ${LABCTL_TOPOLOGY_DIR:+"$LABCTL_TOPOLOGY_DIR"} "${_labctl_topology_dirs[@]}"; do
		[[ -f $d/$t.yaml ]] && { printf '%s\n' "$d/$t.yaml"; return; }
	done
}

# Shipped topology names, as labctl resolves NAME: $LABCTL_TOPOLOGY_DIR first.
_labctl_topologies()
{
	local d f
	for d in ${LABCTL_TOPOLOGY_DIR:+"$LABCTL_TOPOLOGY_DIR"} "${_labctl_topology_dirs[@]}"; do
		[[ -d $d ]] || continue
		for f in "$d"/*.yaml; do
			[[ -f $f ]] || continue
			f=${f##*/}
			printf '%s\n' "${f%.yaml}"
		done
	done | sort -u
}

# Adds to COMPREPLY the words of $2 that start with $1.
_labctl_add()
{
	local IFS=$' \t\n'
	mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -W "$2" -- "$1")
}

_labctl_add_files()
{
	compopt -o filenames 2>/dev/null
	if [[ $2 == topology ]]; then
		local f
		while IFS= read -r f; do
			[[ -d $f || $f == *.yaml || $f == *.yml ]] && COMPREPLY+=("$f")
		done < <(compgen -f -- "$1")
	elif [[ $2 == dir ]]; then
		mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -d -- "$1")
	else
		mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$1")
	fi
}

# Completes one argument of template $2 (LAB, NODE, TUNNEL, NAME|FILE, ...);
# $3 is the lab the command names, if any.
_labctl_complete_template()
{
	local cur=$1 tmpl=${2%...} lab=$3 part
	local -a parts
	IFS='|' read -ra parts <<<"$tmpl"
	for part in "${parts[@]}"; do
		case $part in
		LAB) _labctl_add "$cur" "$(_labctl_labs)" ;;
		NODE | 'NODE[:WHAT]') [[ -n $lab ]] && _labctl_add "$cur" "$(_labctl_nodes "$lab")" ;;
		TUNNEL) [[ -n $lab ]] && _labctl_add "$cur" "$(_labctl_tunnels "$lab")" ;;
		TARGET)
			[[ -n $lab ]] && _labctl_add "$cur" "$(_labctl_nodes "$lab")
$(_labctl_tunnels "$lab")"
			;;
		NAME | TOPOLOGY)
			_labctl_add "$cur" "$(_labctl_topologies)"
			[[ $tmpl == *FILE* ]] || _labctl_add_files "$cur" topology
			;;
		FILE)
			if [[ $tmpl == *NAME* ]]; then
				_labctl_add_files "$cur" topology
			else
				_labctl_add_files "$cur"
			fi
			;;
		DIR) _labctl_add_files "$cur" dir ;;
		[a-z]*) _labctl_add "$cur" "$part" ;;
		esac
	done
}

_labctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} exe=${COMP_WORDS[0]}
	COMPREPLY=()
	exe=$(type -P -- "${exe/#\~/$HOME}") || return 0

	if ((COMP_CWORD == 1)); then
		_labctl_add "$cur" "$(_labctl_commands "$exe") --help"
		return 0
	fi
	local cmd=${COMP_WORDS[1]} help
	# in this shell (not a subshell), so the cache fills
	_labctl_parsed_help "$exe" "$cmd" >/dev/null
	help=$(_labctl_parsed_help "$exe" "$cmd")
	[[ -n $help ]] || return 0

	# Walk the words before the cursor: option values and positional arguments.
	local -A tmpl=() desc=() optval=()
	local -a pos=() args=()
	local o t d i w
	while IFS=$'\t' read -r o t d; do
		if [[ $o == @ ]]; then
			pos+=("$t")
		else
			tmpl[$o]=$t
			desc[$o]=$d
		fi
	done <<<"$help"
	local prev_opt=
	for ((i = 2; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ -n $prev_opt ]]; then
			optval[$prev_opt]=$w
			prev_opt=
		elif [[ $w == -- ]]; then
			# exec: everything after -- is the command and its arguments
			if [[ $cmd == exec ]]; then
				mapfile -t COMPREPLY < <(compgen -c -- "$cur")
				return 0
			fi
		elif [[ $w == -* ]]; then
			[[ -n ${tmpl[$w]-} ]] && prev_opt=$w
		else
			args+=("$w")
		fi
	done

	if [[ -n $prev_opt ]]; then
		local vt=${tmpl[$prev_opt]} lab=${args[0]-}
		case "$prev_opt:$vt" in
		--tunnel:*) # N|NAME|auto: the tunnels of the lab or topology named, and the words
			local topo=${optval[--topology]-}
			if [[ -n $topo ]]; then
				_labctl_add "$cur" "$(_labctl_topo_tunnels "$(_labctl_topology_file "$topo")")"
			elif [[ -n $lab && ${pos[0]-} == LAB* ]]; then
				_labctl_add "$cur" "$(_labctl_tunnels "$lab")"
			elif [[ -n $lab ]]; then
				_labctl_add "$cur" "$(_labctl_topo_tunnels "$(_labctl_topology_file "$lab")")"
			fi
			_labctl_complete_template "$cur" "${vt//NAME/}" ""
			;;
		*:KIND) # the kinds the description lists ("a (default), b, c")
			d=${desc[$prev_opt]//(default)/}
			d=${d//,/ }
			_labctl_add "$cur" "$d"
			;;
		*:U\[,U*) # a list of names the description gives (fit --unknown)
			local names="" x
			for x in ${desc[$prev_opt]//[(),;]/ }; do
				[[ $x =~ ^[a-z]+(-[a-z]+)+$ ]] && names+=" $x"
			done
			_labctl_add "$cur" "$names"
			;;
		*) _labctl_complete_template "$cur" "$vt" "$lab" ;;
		esac
		return 0
	fi

	if [[ $cur == -* ]]; then
		_labctl_add "$cur" "${!tmpl[*]} --help"
		return 0
	fi

	# fault LAB KIND [PARAM] TARGET: what follows KIND depends on the kind
	local n=${#args[@]}
	if [[ $cmd == fault && $n -ge 2 ]]; then
		local line
		line=$(_labctl_fault_kinds "$exe" | awk -v k="${args[1]}" '$1 == k')
		local -a want
		read -ra want <<<"$line"
		[[ ${#want[@]} -ge $n ]] && _labctl_complete_template "$cur" "${want[n - 1]}" "${args[0]}"
		return 0
	fi
	if [[ $cmd == fault && $n -eq 1 ]]; then
		_labctl_add "$cur" "$(_labctl_fault_kinds "$exe" | awk '{ print $1 }')"
		return 0
	fi
	# exec LAB NODE CMD: a command (after -- it is handled above)
	if [[ $cmd == exec && $n -ge 2 ]]; then
		mapfile -t COMPREPLY < <(compgen -c -- "$cur")
		return 0
	fi
	local p=${pos[n]-}
	if [[ -z $p && ${#pos[@]} -gt 0 && ${pos[-1]} == *... ]]; then
		p=${pos[-1]}
	fi
	[[ -n $p ]] && _labctl_complete_template "$cur" "$p" "${args[0]-}"
	return 0
}

complete -F _labctl labctl
