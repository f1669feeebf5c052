#!/bin/bash
# The bash completion of edgeaictl (daemon/completion/edgeaictl), sourced
# into bash and called as bash would call it: the verbs are exactly those
# of 'edgeaictl help', the options of each verb exactly the long options of
# its --help, and the values of --device, --io, power set and help, files
# for a model. Then 'make install' puts it where bash-completion looks.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
ctl=$build/daemon/edgeaictl
file=$top/daemon/completion/edgeaictl
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"
bash -n "$file"
ok $? "bash -n: the completion parses"
# shellcheck source=daemon/completion/edgeaictl
. "$file"
complete -p edgeaictl 2> /dev/null | grep -q -- '-F _edgeaictl edgeaictl'
ok $? "sourcing it registers _edgeaictl for edgeaictl"

# comp WORD...: the candidates for the last WORD, sorted, on one line
comp() {
	COMP_WORDS=(edgeaictl "$@")
	COMP_CWORD=$#
	COMP_LINE="edgeaictl $*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_edgeaictl edgeaictl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
# the long options a help text lists (as test-daemon-man.sh reads them)
longopts() { grep -o -- '^ *\(-[a-zA-Z],\? \)\?--[a-z][a-z-]*' | sed 's/.*--/--/' | sort -u | tr '\n' ' ' | sed 's/ $//'; }

verbs=$("$ctl" help | sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z]*\).*/\1/p' | sort | tr '\n' ' ' | sed 's/ $//')
got=$(comp '')
[ -n "$verbs" ] && [ "$got" = "$verbs" ]
ok $? "the first word completes to the verbs of 'edgeaictl help': $got"
[ "$(comp st)" = "status" ] && [ "$(comp --json ru)" = "run" ] && [ "$(comp -d npu1 th)" = "thermal" ]
ok $? "a verb after global options and their values: st, --json ru, -d npu1 th"
got=$(comp --)
r=0
for o in --device --json --help --version; do
	case " $got " in *" $o "*) ;; *) echo "# '--' lacks $o: $got"; r=1 ;; esac
done
ok $r "global options before the verb: $got"
for v in $verbs; do
	[ "$v" = help ] && continue
	want=$("$ctl" "$v" --help | longopts)
	got=$(comp "$v" --)
	[ "$got" = "$want" ]
	ok $? "'$v --' completes to the long options of '$v --help': $got"
	[ "$got" = "$want" ] || echo "# want: $want"
done
got=$(comp run m.tflite --no)
[ "$got" = "--no-cache" ]
ok $? "run --no completes to --no-cache"

got=$(comp --device '')
[ "$(echo "$got" | tr ' ' '\n' | grep -cx 'auto\|cpu\|npu\|dsp')" -eq 4 ]
ok $? "--device values: auto, cpu, npu, dsp (and the nodes present): $got"
[ "$(comp run m.tflite --device n)" = "$(comp --device n)" ] && case " $(comp status -d n) " in *" npu "*) true ;; *) false ;; esac
ok $? "--device completes the same after run and after status"
[ "$(comp quantize f.tflite --io '')" = "float int8 uint8" ]
ok $? "--io: int8, uint8, float"
[ "$(comp power '')" = "get set" ] && [ "$(comp power set '')" = "balanced performance power-saver" ]
ok $? "power: get, set; power set: the three profiles"
[ "$(comp help qu)" = "quantize" ]
ok $? "help completes verbs"
mkdir -p "$tmp/models/sub" && touch "$tmp/models/a.tflite" "$tmp/models/b.txt"
got=$(cd "$tmp/models" && comp inspect '')
[ "$got" = "a.tflite sub" ]
ok $? "a model operand: .tflite files and directories ($got)"
got=$(cd "$tmp/models" && comp run a.tflite --input '')
[ "$got" = "a.tflite b.txt sub" ]
ok $? "--input: any file ($got)"

make -s -C "$top/daemon" BUILD="$build" DESTDIR="$tmp/root" PREFIX=/usr install > "$tmp/install.log" 2>&1 &&
	cmp -s "$tmp/root/usr/share/bash-completion/completions/edgeaictl" "$file"
ok $? "make install puts it in /usr/share/bash-completion/completions/edgeaictl"
[ $? -eq 0 ] || sed 's/^/# /' "$tmp/install.log"
echo "1..$n"
exit $fail
