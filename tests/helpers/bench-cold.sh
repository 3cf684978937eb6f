#!/usr/bin/env bash
# Cold and warm GET through the cluster against direct GETs from the same
# backend (s3rver), same client (parallel curl) and concurrency, in one
# run; and the time to first byte of a cold 256 MiB object.  Medians of
# RUNS runs.  A command, not a test.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-3} CONNS=${CONNS:-8}
. tests/helpers/bench-lib.bash
bench_setup bench-cold
start_s3rver

upload() {	# upload NAME SIZE
	head -c "$2" /dev/urandom >"$work/obj"
	curl -fsS -T "$work/obj" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' \
	    "$s3/bench/$1" -o /dev/null
}
for i in $(seq -w 1 64); do upload "m1-$i" 1048576; done
for i in $(seq -w 1 16); do upload "m10-$i" 10485760; done
upload big 268435456

"$bin/ais-ctl" cluster up -P 1 -T 2 --port 0 -- --s3-endpoint "$s3" >/dev/null
. "$AIS_CLUSTER_DIR/env"
export AIS_ENDPOINT
"$bin/ais-ctl" bucket create s3://bench >/dev/null

rate() {	# rate URLFILE: MiB/s of fetching every URL once, in parallel
	local args=() u t0 t1 bytes
	while read -r u; do args+=(-o /dev/null "$u"); done <"$1"
	t0=$(date +%s.%N)
	bytes=$(curl -sS --no-progress-meter -L -Z --parallel-max "$CONNS" -w '%{size_download}\n' \
	    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "${args[@]}" |
	    awk '{ s += $1 } END { print s }')
	t1=$(date +%s.%N)
	awk -v b="$bytes" -v a="$t0" -v z="$t1" 'BEGIN { printf "%.0f\n", b / 1048576 / (z - a) }'
}

urls() {	# urls PREFIX COUNT BASE
	for i in $(seq -w 1 "$2"); do echo "$3/$1-$i"; done
}
median_of() { tr ' ' '\n' | grep . | median; }	# numbers on one line

declare -A r
for size in m1 m10; do
	n=64; [ $size = m10 ] && n=16
	urls $size $n "$AIS_ENDPOINT/v1/objects/bench" | sed 's/$/?provider=aws/' >"$work/cl"
	urls $size $n "$s3/bench" >"$work/direct"
	for run in $(seq 1 "$RUNS"); do
		"$bin/ais-ctl" bucket evict s3://bench >/dev/null
		r[$size-cold]+="$(rate "$work/cl") "
		r[$size-warm]+="$(rate "$work/cl") "
		r[$size-direct]+="$(rate "$work/direct") "
	done
done
for run in $(seq 1 "$RUNS"); do
	"$bin/ais-ctl" bucket evict s3://bench >/dev/null
	r[ttfb-cold]+="$(curl -sS -L -o /dev/null -w '%{time_starttransfer}' "$AIS_ENDPOINT/v1/objects/bench/big?provider=aws") "
	r[ttfb-direct]+="$(curl -sS -o /dev/null -w '%{time_starttransfer}' -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$s3/bench/big") "
done

m() { echo "${r[$1]}" | median_of; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cat <<EOT
backend s3rver, 1 proxy + 2 targets, $CONNS parallel transfers (curl -Z), median of $RUNS runs
                         cluster cold  cluster warm  direct   cold/direct  warm/direct
1 MiB x 64    MiB/s      $(m m1-cold)          $(m m1-warm)          $(m m1-direct)      $(ratio "$(m m1-cold)" "$(m m1-direct)")         $(ratio "$(m m1-warm)" "$(m m1-direct)")
10 MiB x 16   MiB/s      $(m m10-cold)          $(m m10-warm)          $(m m10-direct)      $(ratio "$(m m10-cold)" "$(m m10-direct)")         $(ratio "$(m m10-warm)" "$(m m10-direct)")
time to first byte, cold 256 MiB object: cluster $(m ttfb-cold) s, direct $(m ttfb-direct) s, ratio $(ratio "$(m ttfb-cold)" "$(m ttfb-direct)")
runs: ${r[m1-cold]}| ${r[m1-warm]}| ${r[m1-direct]}| ${r[m10-cold]}| ${r[m10-warm]}| ${r[m10-direct]}| ttfb ${r[ttfb-cold]}| ${r[ttfb-direct]}
EOT
