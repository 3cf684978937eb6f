#!/usr/bin/env bash
# "make bench": one run that measures, with ais-loader as the only client,
#   warm GET through the proxy (redirect), warm GET direct to the owner,
#   nginx serving the same files with sendfile, the same through an nginx
#   that redirects (what a redirect costs any server), cold GET through the
#   cluster, cold GET through nginx as a cache in front of the same
#   backend, and direct GETs from the backend (s3rver),
# for 1 MiB and 10 MiB objects and 1, 4, 16 and 64 workers, RUNS runs
# each; prints a table of medians with the ratios to nginx and to the
# backend, writes bench.png (throughput and p99 against workers), and
# compares ais-loader with wrk on the same URLs.  A command, not a test.
#
# A cloud bucket runs on hardware of its own.  Here s3rver shares the two
# cores with the cluster, and node's garbage collector alone can take a
# core; so for the cold and backend runs s3rver is pinned to the last CPU
# and the cluster and the loader to the others, as if the backend were
# another host.  PIN_BACKEND=0 measures them unpinned.
#
# The cluster is one proxy and one target (TARGETS overrides): a target
# runs per storage node, as nginx runs one server per host.  Two targets
# on these two cores would share them, and a closed-loop client picking
# objects at random keeps one of them with more requests in flight than
# the other at any moment: that split, not the target, then sets the
# tail (p99 of direct GETs about 2x nginx's at 4 and 16 workers).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-3} SECS=${SECS:-3} WORKERS=${WORKERS:-"1 4 16 64"}
# cold runs (the cluster's and the nginx cache's) and backend runs (signed,
# as the target's, and unsigned, as nginx's) come in groups of four,
# PAIRS of them a run: s3rver's pace drifts and stalls in its
# garbage collector, and two reads of the same objects from it alone
# differ by up to 30%
PAIRS=${PAIRS:-4}
# warm runs likewise: WARM_PAIRS rounds of proxy, direct, nginx and nginx
# redirecting a run.
# At 1 worker one ratio ranges 0.9 to 1.3 from one round to the next, as
# the scheduler puts loader and server on one CPU or on two and the
# hypervisor steals time (see the steal line at the end)
WARM_PAIRS=${WARM_PAIRS:-2}
TARGETS=${TARGETS:-1}
PIN_BACKEND=${PIN_BACKEND:-1}
OUT=${OUT:-$PWD/bench.png}
. tests/helpers/bench-lib.bash
bench_setup bench
ticks0=$(cpu_ticks) drops0=$(cache_drops)
start_s3rver
mkdir -p "$work/src"
# enough objects that a cold run at 64 workers gives each worker several
declare -A count=([1]=512 [10]=96)
for mib in 1 10; do
	for i in $(seq -w 1 "${count[$mib]}"); do
		head -c $((mib << 20)) /dev/urandom \
		    >"$work/src/m$mib-$i"
		echo "m$mib-$i"
	done | xargs -P 4 -I{} curl -fsS -T "$work/src/{}" \
	    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -o /dev/null "$s3/bench/{}"
done

"$bin/ais-ctl" cluster up -P 1 -T "$TARGETS" --port 0 -- --s3-endpoint "$s3" >/dev/null
. "$AIS_CLUSTER_DIR/env"

# pin: cpus for the backend and for the rest during cold and backend runs
last_cpu=$(($(nproc) - 1)) pin_rest=
if [ "$PIN_BACKEND" = 1 ] && [ "$last_cpu" -gt 0 ]; then
	taskset -a -p -c "$last_cpu" "$(cat "$work/s3rver.pid")" >/dev/null
	pin_rest=0-$((last_cpu - 1))
fi
cluster_pids() {	# and the caching nginx's, once started
	pgrep -f "ais-(proxy|target) .*$AIS_CLUSTER_DIR" || true
	[ ! -f "$work/nginx-cache/nginx.pid" ] || {
		cat "$work/nginx-cache/nginx.pid"
		pgrep -P "$(cat "$work/nginx-cache/nginx.pid")" || true
	}
}
pin_cluster() {		# $1: a cpu list
	local p
	[ -n "$pin_rest" ] || return 0
	for p in $(cluster_pids); do taskset -a -p -c "$1" "$p" >/dev/null; done
}
export AIS_ENDPOINT
"$bin/ais-ctl" bucket create s3://bench >/dev/null

# nginx serves the very files the targets serve, from their mountpaths,
# so both send from the same page cache.  How a file was written shapes
# its page cache: one written by head(1) in 4 KiB writes went out 20-30%
# slower at one connection than a copy written in 64 KiB writes (as cold
# GETs write); a copy of its own would measure that, not the server.
# The warm runs follow the cold ones, which leave every object in place.
# shellcheck disable=SC2046
start_nginx $(printf '%s\n' "$AIS_CLUSTER_DIR"/t*/mp*)

# nginx as a cache does what a cold GET does, without a redirect: the
# reference for the cluster's cold runs, on this machine, in this run
start_nginx_cache "$s3" "$work/ngstore"
for mib in 1 10; do
	ls "$work/src" | grep "^m$mib-" >"$work/names$mib"
	sed "s|^|http://127.0.0.1:$ngport/@aws/bench/%25ob/|" "$work/names$mib" >"$work/nginx$mib"
	sed "s|^|http://127.0.0.1:$ngredirport/@aws/bench/%25ob/|" "$work/names$mib" >"$work/ngredir$mib"
	sed "s|^|http://127.0.0.1:$ngcport/bench/|" "$work/names$mib" >"$work/ngcold$mib"
	sed "s|^|$s3/bench/|" "$work/names$mib" >"$work/s3urls$mib"
done

# one loader run; prints "MiB/s p99_ms"
load() {
	${pin:-} "$bin/ais-loader" -statsinterval 0 -json -provider aws -bucket bench "$@" |
	    jq -r 'select(.final and .op == "GET") |
	    "\(.bytes / 1048576 / .elapsed | floor) \(.latency_us.p99 / 1000)"'
}

# record KIND MIB WORKERS LOADER_ARGS...: one pass reading each object once,
# its line added to the results of MIB and WORKERS
record() {
	local kind=$1 mib=$2 w=$3
	shift 3
	echo "$kind $(load "$@" -epochs 1 -duration 0 -numworkers "$w")" >>"$work/r-$mib-$w"
}
# every run GETs with ais-loader's own client, which signs the backend
# runs' requests (SigV4) as the target signs its own
cold_run() {		# $1: MiB, $2: workers
	"$bin/ais-ctl" bucket evict s3://bench >/dev/null
	# each cold run pays for its own writes, not the last one's
	sync
	record cold "$1" "$2" -filelist "$work/names$1"
}
ngcold_run() {		# $1: MiB, $2: workers
	rm -rf "$work/ngstore/bench"
	sync
	record ngcold "$1" "$2" -urls "$work/ngcold$1"
}
warm_run() {		# $1: proxy, direct, nginx or ngredir, $2: MiB, $3: workers
	case $1 in
	proxy) load -filelist "$work/names$2" -duration "${SECS}s" -numworkers "$3" ;;
	direct) load -filelist "$work/names$2" -duration "${SECS}s" -numworkers "$3" -direct ;;
	nginx) load -urls "$work/nginx$2" -duration "${SECS}s" -numworkers "$3" ;;
	ngredir) load -urls "$work/ngredir$2" -duration "${SECS}s" -numworkers "$3" ;;
	esac
}
backend_run() { record backend "$1" "$2" -s3endpoint "$s3" -filelist "$work/names$1"; }
# the nginx cache's reference: its GETs to s3rver are unsigned, and s3rver
# answers those sooner (by 0.5-1 ms at the median of 1 MiB GETs: it checks
# a signature in JavaScript), so its ratio is to unsigned GETs of its own
unsigned_run() { record unsigned "$1" "$2" -urls "$work/s3urls$1"; }

for mib in 1 10; do
	"$bin/ais-ctl" object ls s3://bench >/dev/null
	# node compiles s3rver's hot paths in its first requests: not in a run
	pin=${pin_rest:+taskset -c $pin_rest}
	load -s3endpoint "$s3" -filelist "$work/names$mib" -epochs 1 -duration 0 -numworkers 16 >/dev/null
	for w in $WORKERS; do
		for run in $(seq 1 "$RUNS"); do
			pin_cluster "$pin_rest"
			pin=${pin_rest:+taskset -c $pin_rest}
			for pair in $(seq 1 "$PAIRS"); do
				# rotate which runs first
				order=(cold ngcold backend unsigned)
				first=$(((run + pair) % 4))
				for i in 0 1 2 3; do
					"${order[(first + i) % 4]}_run" "$mib" "$w"
				done
			done
			pin= ; pin_cluster "0-$last_cpu"
			# the cold run's files are still being written back: flush
			# them, so that no warm run shares the disk with the writeback
			sync
			# and read them, should the page cache have been dropped
			cat "$AIS_CLUSTER_DIR"/t*/mp*/@aws/bench/%ob/m"$mib"-* >/dev/null
			# every other round in the reverse order, so that what
			# comes first (after the sync, say) is no one's advantage
			for pair in $(seq 1 "$WARM_PAIRS"); do
				kinds="proxy direct nginx ngredir"
				[ $(((run + pair) % 2)) = 0 ] && kinds="ngredir nginx direct proxy"
				for k in $kinds; do echo "$k $(warm_run "$k" "$mib" "$w")"; done >>"$work/r-$mib-$w"
			done
		done
	done
done

# ratios A B FILE: the k-th A run over the k-th B run, one a line.  Runs
# of one pair are back to back, so the machine's drift (and s3rver's)
# cancels in each ratio, which a ratio of two medians does not do.
ratios() {
	awk -v a="$1" -v b="$2" '$1 == a { x[++nx] = $2 } $1 == b { y[++ny] = $2 }
	    END { for (i = 1; i <= nx && i <= ny; i++) print x[i] / y[i] }' "$3"
}
paired() { ratios "$@" | median; }
# spread A B FILE: "lowest-highest" of the ratios, to tell noise from a
# difference
spread() { ratios "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f-%.2f", lo, hi }'; }

table() {
	local mib w p
	local -A rate m99
	printf '%-6s %-7s %12s %7s %7s %7s %7s %7s %7s %8s %10s %9s %8s %10s %8s %7s\n' size workers \
	    "proxy MiB/s" "direct" "nginx" "ng 301" "cold" "ng cold" "backend" proxy/ng ngredir/ng \
	    direct/ng cold/be ngcold/beu "p99 dir" "p99 ng"
	for mib in 1 10; do
		for w in $WORKERS; do
			for p in proxy direct nginx ngredir cold ngcold backend unsigned; do
				rate[$p]=$(awk -v p=$p '$1 == p { print $2 }' "$work/r-$mib-$w" | median)
				m99[$p]=$(awk -v p=$p '$1 == p { print $3 }' "$work/r-$mib-$w" | median)
			done
			printf '%-6s %-7s %12s %7s %7s %7s %7s %7s %7s %8.2f %10.2f %9.2f %8.2f %10.2f %8s %7s\n' \
			    "${mib}MiB" "$w" "${rate[proxy]}" "${rate[direct]}" "${rate[nginx]}" \
			    "${rate[ngredir]}" "${rate[cold]}" "${rate[ngcold]}" "${rate[backend]}" \
			    "$(paired proxy nginx "$work/r-$mib-$w")" \
			    "$(paired ngredir nginx "$work/r-$mib-$w")" \
			    "$(paired direct nginx "$work/r-$mib-$w")" \
			    "$(paired cold backend "$work/r-$mib-$w")" \
			    "$(paired ngcold unsigned "$work/r-$mib-$w")" \
			    "${m99[direct]}" "${m99[nginx]}"
			echo "$mib $w ${rate[proxy]} ${rate[direct]} ${rate[nginx]} ${rate[cold]} ${rate[backend]} ${m99[proxy]} ${m99[direct]} ${m99[nginx]} ${rate[ngcold]} ${rate[ngredir]}" >>"$work/plot.dat"
		done
	done
}
echo "1 proxy + $TARGETS target(s); $RUNS runs; warm: $((RUNS * WARM_PAIRS)) rounds of ${SECS}s runs; cold (cluster and nginx cache) and backend (signed and unsigned) runs read each object once, $((RUNS * PAIRS)) groups; medians; a ratio is the median of the ratios of runs made back to back${pin_rest:+ (backend on CPU $last_cpu, cluster and loader on $pin_rest)}"
table | tee "$work/table"
echo "the same ratios, lowest and highest of the pairs:"
printf '%-6s %-7s %11s %11s %11s %11s %11s\n' size workers proxy/ng ngredir/ng direct/ng cold/be ngcold/beu
for mib in 1 10; do
	for w in $WORKERS; do
		printf '%-6s %-7s %11s %11s %11s %11s %11s\n' "${mib}MiB" "$w" \
		    "$(spread proxy nginx "$work/r-$mib-$w")" \
		    "$(spread ngredir nginx "$work/r-$mib-$w")" \
		    "$(spread direct nginx "$work/r-$mib-$w")" \
		    "$(spread cold backend "$work/r-$mib-$w")" \
		    "$(spread ngcold unsigned "$work/r-$mib-$w")"
	done
done

# the plot: throughput and p99 against workers, 1 MiB and 10 MiB
if command -v gnuplot >/dev/null; then
	gnuplot <<GP
set terminal png size 1200,800
set output "$OUT"
set multiplot layout 2,2
set logscale x 2
set key left top
set xlabel "workers"
do for [m in "1 10"] {
	set title sprintf("GET throughput, %s MiB objects (MiB/s)", m)
	plot "< awk '\$1 == " . m . "' $work/plot.dat" u 2:3 w lp t "proxy (redirect)", \
	    "" u 2:4 w lp t "direct", "" u 2:5 w lp t "nginx", \
	    "" u 2:12 w lp t "nginx redirecting", "" u 2:6 w lp t "cold", \
	    "" u 2:11 w lp t "nginx cache, cold", "" u 2:7 w lp t "backend"
	set title sprintf("p99 latency, %s MiB objects (ms)", m)
	plot "< awk '\$1 == " . m . "' $work/plot.dat" u 2:8 w lp t "proxy", \
	    "" u 2:9 w lp t "direct", "" u 2:10 w lp t "nginx"
}
unset multiplot
GP
	echo "plot: $OUT"
fi

# the client is not the bottleneck: ais-loader next to wrk, same URLs
t=$(curl -sS -o /dev/null -w '%{redirect_url}' "$AIS_ENDPOINT/v1/objects/bench/m1-01?provider=aws" | cut -d/ -f1-3)
: >"$work/one"
while read -r n; do
	u=$(curl -sS -o /dev/null -w '%{redirect_url}' "$AIS_ENDPOINT/v1/objects/bench/$n?provider=aws")
	case $u in "$t"/*) echo "$u" >>"$work/one" ;; esac
done <"$work/names1"
sed "s|^$t||" "$work/one" >"$work/one.paths"
# a 1 s wrk run read 423 MiB/s where ais-loader read 4254: give both 3 s
cmp_secs=$((SECS < 3 ? 3 : SECS))
CMP_PAIRS=${CMP_PAIRS:-6}
wrk_run() {
	WRK_PATHS=$work/one.paths wrk -t2 -c16 -d${cmp_secs}s -s tests/bench/rotate.lua "$t" |
	    awk '/^Transfer\/sec/ { v=$2; u=substr(v, length(v)-1); v=v+0;
	    if (u=="GB") v*=1024; printf "wrk %d\n", v }' >>"$work/cmp"
}
loader_run() {
	"$bin/ais-loader" -urls "$work/one" -numworkers 16 -duration ${cmp_secs}s -statsinterval 0 -json |
	    jq -r 'select(.final) | "loader \(.bytes / 1048576 / .elapsed | floor)"' >>"$work/cmp"
}
# CMP_PAIRS back-to-back pairs, which goes first alternating, as in the
# matrix: the ratio of one pair ranged 0.87-1.22 in 8 pairs
: >"$work/cmp"
for pair in $(seq 1 "$CMP_PAIRS"); do
	if [ $((pair % 2)) = 0 ]; then loader_run; wrk_run; else wrk_run; loader_run; fi
done
echo "same URLs (one target, 1 MiB), 16 connections, $CMP_PAIRS pairs: wrk $(awk '$1 == "wrk" { print $2 }' "$work/cmp" | median) MiB/s, ais-loader $(awk '$1 == "loader" { print $2 }' "$work/cmp" | median) MiB/s, ratio $(paired loader wrk "$work/cmp" | xargs printf "%.2f")"

# where the time of a cold GET goes, one worker, pinned as the cold runs:
# from packet timestamps, the backend's own time is measured on the GETs
# it served, so the target's cost comes out free of the backend's swings
# (s3rver's first byte of one object ranged 1.5-30 ms)
pp=${AIS_ENDPOINT##*:} tp=${t##*:} sp=${s3##*:}
pin_cluster "$pin_rest"
pin=${pin_rest:+taskset -c $pin_rest}
for mib in 1 10; do
	"$bin/ais-ctl" bucket evict s3://bench >/dev/null
	sync
	tcpdump -i lo -tt -n -s 80 "tcp port $pp or tcp port $tp or tcp port $sp" \
	    >"$work/packets$mib" 2>"$work/tcpdump.err" &
	tdpid=$!
	until grep -q listening "$work/tcpdump.err"; do
		kill -0 "$tdpid" 2>/dev/null || {
			echo "bench: tcpdump: $(cat "$work/tcpdump.err")" >&2; exit 69; }
		sleep 0.1
	done
	load -filelist "$work/names$mib" -epochs 1 -duration 0 -numworkers 1 >/dev/null
	sleep 0.5
	kill "$tdpid"
	wait "$tdpid" || true
	echo "cold GET of $mib MiB through the proxy, one worker:"
	/usr/bin/python3 tests/helpers/cold-timeline.py "$pp" "$tp" "$sp" "$work/packets$mib"
done
pin=
pin_cluster "0-$last_cpu"
echo "CPU time the hypervisor gave other guests during the runs (steal): $(steal_since "$ticks0")%; page cache dropped $(($(cache_drops) - drops0)) times"
