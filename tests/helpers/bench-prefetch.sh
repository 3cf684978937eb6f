#!/usr/bin/env bash
# Prefetch figures (part of "make bench"; a command, not a test):
#   - a prefetch of N x 1 MiB objects from s3rver into a 1-proxy 2-target
#     cluster, against fetching the same objects directly from s3rver with
#     16 parallel clients (ais-loader, S3 with SigV4);
#   - a second prefetch over the cached set;
#   - warm GET throughput of clients while a prefetch runs, against the
#     same load without it.
# RUNS runs each; prints medians and ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-2000} RUNS=${RUNS:-3} SECS=${SECS:-5}
. tests/helpers/bench-lib.bash
bench_setup bench-prefetch
start_s3rver
now() { date +%s.%N; }

head -c $((1 << 20)) /dev/urandom >"$work/obj"
seq -f 'p-%04g' 0 $((N - 1)) >"$work/names"
seq -f 'w-%03g' 0 63 >"$work/warm"
cat "$work/names" "$work/warm" | xargs -P 8 -I{} curl -fsS -T "$work/obj" \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -o /dev/null "$s3/bench/{}"

"$bin/ais-ctl" cluster up -P 1 -T 2 --port 0 -- --s3-endpoint "$s3" >/dev/null
. "$AIS_CLUSTER_DIR/env"
export AIS_ENDPOINT
tmpl="p-{0000..$(printf '%04d' $((N - 1)))}"
prefetch() { "$bin/ais-prefetch" -q -w -n 8 s3://bench "$tmpl"; }
warm_load() {		# MiB/s of 16 clients reading the warm set
	"$bin/ais-loader" -statsinterval 0 -json -provider aws -bucket bench \
	    -filelist "$work/warm" -numworkers 16 -duration "${SECS}s" |
	    jq -r 'select(.final and .op == "GET") | .bytes / 1048576 / .elapsed | floor'
}
"$bin/ais-prefetch" -q -w s3://bench 'w-{000..063}'

for run in $(seq 1 "$RUNS"); do
	# direct: 16 clients read every object once from s3rver
	"$bin/ais-loader" -statsinterval 0 -json -provider aws -bucket bench \
	    -s3endpoint "$s3" -filelist "$work/names" -epochs 1 -duration 0 \
	    -numworkers 16 | jq -r 'select(.final and .op == "GET") | .elapsed' \
	    >>"$work/direct"
	"$bin/ais-ctl" job start evict s3://bench "$tmpl" --wait >/dev/null
	t0=$(now); prefetch; t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >>"$work/cold"
	t0=$(now); prefetch; t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >>"$work/again"
	warm_load >>"$work/warm_alone"
	"$bin/ais-ctl" job start evict s3://bench "$tmpl" --wait >/dev/null
	"$bin/ais-prefetch" -q -n 8 s3://bench "$tmpl" >"$work/id"
	warm_load >>"$work/warm_during"
	"$bin/ais-ctl" job wait "$(cat "$work/id")" >/dev/null
done

d=$(median <"$work/direct") c=$(median <"$work/cold") a=$(median <"$work/again")
wa=$(median <"$work/warm_alone") wd=$(median <"$work/warm_during")
echo "prefetch of $N x 1 MiB from s3rver, 1 proxy 2 targets, median of $RUNS:"
printf '  prefetch (8 workers a target)      %8.2f s\n' "$c"
printf '  direct, 16 parallel S3 clients     %8.2f s   prefetch/direct %.2f\n' "$d" \
    "$(awk -v a="$c" -v b="$d" 'BEGIN { print a / b }')"
printf '  second prefetch, all cached        %8.2f s\n' "$a"
printf '  warm GETs alone                    %8d MiB/s\n' "$wa"
printf '  warm GETs during a prefetch        %8d MiB/s   during/alone %.2f\n' "$wd" \
    "$(awk -v a="$wd" -v b="$wa" 'BEGIN { print a / b }')"
