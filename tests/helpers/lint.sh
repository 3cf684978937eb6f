#!/usr/bin/env bash
# "make check": man pages lint clean, no banned string functions, and the
# most complex functions listed (pmccabe, when installed).
set -uo pipefail
cd "$(dirname "$0")/../.."
rc=0
mandoc -Tlint -W warning man/* || rc=1
if grep -nE '\b(sprintf|strcpy|strcat|strncpy|strtok|gets|atoi)\s*\(' \
    lib/*.[ch] ais-*/*.[ch]; then
	echo "lint: banned functions above" >&2
	rc=1
fi
if command -v pmccabe >/dev/null; then
	echo "most complex functions (complexity, lines, function):"
	pmccabe -v lib/*.c ais-*/*.c 2>/dev/null | sort -rn | head -25 |
	    awk '{ print $1, $5, $NF }'
fi
exit $rc
