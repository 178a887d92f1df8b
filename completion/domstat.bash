# SPDX-License-Identifier: ISC
# bash completion for the six domstat commands. One script serves all six: options are read
# from the command's own --help at the first TAB (so they never drift from the program), and
# only the choices of a few option values are listed here. `make install` puts a copy named
# after each command in $(PREFIX)/share/bash-completion/completions/, where bash-completion
# loads it on demand; or source this file from ~/.bashrc.

# Long options of command $1, one a line, those taking a value marked with a trailing '='.
_domstat_options()
{
	local cmd=$1 var line rest opt
	var=_domstat_opts_${cmd//-/_}
	if [[ -z ${!var-} ]]; then
		local -a found=()
		while IFS= read -r line; do
			rest=$line
			# every --word in the help text; an upper-case word or [WORD] after it is its value
			while [[ $rest =~ (^|[^a-z-])(--[a-z][a-z0-9-]*)(\ \[?[A-Z])? ]]; do
				opt=${BASH_REMATCH[2]}
				[[ -n ${BASH_REMATCH[3]} ]] && opt+="="
				found+=("$opt")
				rest=${rest#*"${BASH_REMATCH[0]}"}
			done
		done < <(command "$cmd" --help 2>&1)
		# one line per option, first spelling kept (with '=' if any spelling took a value)
		printf -v "$var" '%s\n' "$(printf '%s\n' "${found[@]}" |
			awk '{ n = $0; sub(/=$/, "", n) } !(n in seen) { seen[n] = $0; order[++k] = n }
			     /=$/ { seen[n] = $0 } END { for (i = 1; i <= k; i++) print seen[order[i]] }')"
	fi
	printf '%s' "${!var}"
}

# Subcommands named in the help's "Subcommands:" section (seen-db), one a line.
_domstat_subcommands()
{
	command "$1" --help 2>&1 | awk '/^Subcommands:/ { on = 1; next } /^$/ { on = 0 }
		on && /^  [a-z]/ { print $1 }'
}

# The choices of option $2 of command $1, when they are a fixed set.
_domstat_choices()
{
	case $1:$2 in
	stats-report:--format | stats-report:-F) echo "text json markdown html" ;;
	seen-db:--format) echo "auto ndjson list csv domain-stats" ;;
	*:--date-format) echo "iso http" ;;
	domain-freq:--score-on) echo "registrable name label" ;;
	dns-grade:--scale) echo "domstat dnstats" ;;
	dns-scan:--profile) echo "full dnstats minimal" ;;
	*) return 1 ;;
	esac
}

_domstat()
{
	local cmd=${COMP_WORDS[0]##*/} cur=${COMP_WORDS[COMP_CWORD]} prev= opts o choices
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()
	opts=$(_domstat_options "$cmd")

	# the value of the option before the cursor ("--opt value" or "--opt=value")
	local opt=$prev val=$cur
	if [[ $cur == = ]]; then
		# bash splits "--opt=value" at '=' (COMP_WORDBREAKS): "--opt" "=" "value"
		val=
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
		opt=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $cur == --*=* ]]; then
		opt=${cur%%=*} val=${cur#*=}
	elif [[ $prev == -[a-zA-Z] ]]; then
		# short options taking a value, as the help shows them: "-f, --field PATH"
		opt=$(command "$cmd" --help 2>&1 |
			sed -n "s/^ *$prev, \(--[a-z][a-z0-9-]*\) [[A-Z].*/\1/p" | head -n 1)
		[[ -z $opt ]] && opt=$prev
	elif [[ $prev == --*=* || $prev != --* ]]; then
		opt=
	fi
	if [[ -n $opt ]] && grep -qx -- "$opt=" <<<"$opts"; then
		if choices=$(_domstat_choices "$cmd" "$opt"); then
			mapfile -t COMPREPLY < <(compgen -W "$choices" -- "$val")
		else
			# FILE, DIR, PATH, N ...: file names are the useful guess
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$val")
		fi
		return 0
	fi

	if [[ $cur == -* ]]; then
		local -a words=()
		while IFS= read -r o; do
			[[ -n $o ]] && words+=("$o")
		done <<<"$opts"
		mapfile -t COMPREPLY < <(compgen -W "${words[*]}" -- "$cur")
		# an option taking a value completes to "--opt=": no space after it
		[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
		return 0
	fi

	# a subcommand first (seen-db) when one matches, else file operands (every filter reads
	# files; import FILE ...)
	if ((COMP_CWORD == 1)); then
		local subs
		subs=$(_domstat_subcommands "$cmd")
		if [[ -n $subs ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$subs" -- "$cur")
			((${#COMPREPLY[@]} > 0)) && return 0
		fi
	fi
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}

complete -F _domstat dns-scan dns-grade stats-report domain-freq seen-db domain-born
