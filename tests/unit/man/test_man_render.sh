#!/bin/bash
# Each built man page renders with man-db (man -l, groff) without a warning:
# groff's warnings on (man --warnings), output to /dev/null, stderr must stay
# empty; and the rendered text has the page's NAME section.
# usage: test_man_render.sh PAGE...
set -u
(($# > 0)) || { echo "SKIP: no man pages were built (scdoc not found at meson setup)"; exit 77; }
for tool in man groff; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed (Debian man-db, groff-base)"; exit 77; }
done
fail=0
for p in "$@"; do
	err=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$p" 2>&1 >/dev/null)
	rc=$?
	if ((rc != 0)) || [[ -n $err ]]; then
		printf 'FAIL: man -l %s: exit %d, warnings:\n%s\n' "$p" "$rc" "$err" >&2
		fail=1
	fi
	name=${p##*/}
	name=${name%.*}
	text=$(LC_ALL=C.UTF-8 MANWIDTH=80 MANPAGER=cat man -l "$p" 2>&1)
	if ! grep -q "^NAME" <<<"$text" || ! grep -qE "^ +$name - " <<<"$text"; then
		printf 'FAIL: man -l %s does not show "NAME / %s - ...":\n%s\n' "$p" "$name" "$(head -20 <<<"$text")" >&2
		fail=1
	fi
	((fail)) || echo "$p: $(wc -l <<<"$text") lines, no warnings"
done
exit $fail
