#!/usr/bin/env bash
# Warm GET throughput of 1 MiB objects on a 1-proxy 1-target cluster
# (TARGETS overrides; see bench-matrix.sh for why one), in
# one run, next to nginx serving the very same files (the targets'
# mountpaths; see bench-matrix.sh for why) with sendfile:
#   - wrk (URL-rotating script): direct to the owning targets vs nginx;
#   - curl in parallel (follows redirects): through the proxy's redirect,
#     direct to the owners, and nginx.
# Prints the median of RUNS runs of each and the ratios.  A command, not
# a test: the numbers depend on the machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-3} NOBJ=${NOBJ:-64} CONNS=${CONNS:-16} SECS=${SECS:-5}
TARGETS=${TARGETS:-1}
. tests/helpers/bench-lib.bash
bench_setup bench-warm

"$bin/ais-ctl" cluster up -P 1 -T "$TARGETS" --port 0 >/dev/null
. "$AIS_CLUSTER_DIR/env"
export AIS_ENDPOINT
"$bin/ais-ctl" bucket create ais://bench >/dev/null
mkdir -p "$work/src"
for i in $(seq -w 1 "$NOBJ"); do
	head -c 1048576 /dev/urandom >"$work/src/obj-$i"
	"$bin/ais-ctl" object put "$work/src/obj-$i" "ais://bench/obj-$i" >/dev/null
done

# shellcheck disable=SC2046
start_nginx $(printf '%s\n' "$AIS_CLUSTER_DIR"/t*/mp*)
# an object's path on nginx: where it sits in the mountpath
on_nginx() { sed "s|/v1/objects/bench/|/@ais/bench/%25ob/|"; }

# the owner of each object, from the proxy's redirect
: >"$work/owners"
for i in $(seq -w 1 "$NOBJ"); do
	curl -sS -o /dev/null -w '%{redirect_url}\n' \
	    "$AIS_ENDPOINT/v1/objects/bench/obj-$i" >>"$work/owners"
done
cut -d/ -f1-3 "$work/owners" | sort -u >"$work/targets"

# Two wrk processes at once, one per target's objects, each sent to the
# owning target (direct) or to nginx (the same paths): the same client on
# both sides.  Prints GiB/s.
wrk_pair() {		# $1: "direct" or "nginx"
	local n=0 t
	while read -r t; do
		grep "^$t/" "$work/owners" | sed "s|^$t||" >"$work/paths.$n"
		if [ "$1" = nginx ]; then
			t=http://127.0.0.1:$ngport
			on_nginx <"$work/paths.$n" >"$work/paths.$n.ng"
			mv "$work/paths.$n.ng" "$work/paths.$n"
		fi
		WRK_PATHS=$work/paths.$n wrk -t1 -c$((CONNS / 2)) -d${SECS}s \
		    -s tests/bench/rotate.lua "$t" >"$work/wrk.$n" &
		n=$((n + 1))
	done <"$work/targets"
	wait
	cat "$work"/wrk.* | awk '/^Transfer\/sec/ { v=$2; u=substr(v, length(v)-1);
	    v=v+0; if (u=="MB") v/=1024; if (u=="KB") v/=1048576; s+=v }
	    END { printf "%.2f\n", s }'
	rm -f "$work"/wrk.* "$work"/paths.*
}

# curl in parallel over a URL list, 8 rounds; prints GiB/s
curl_rate() {
	local urls=$1 args=() t0 t1 n
	for r in 1 2 3 4 5 6 7 8; do
		while read -r u; do args+=(-o /dev/null "$u"); done <"$urls"
	done
	n=$(( ${#args[@]} / 3 ))
	t0=$(date +%s.%N)
	curl -sS --no-progress-meter -L -Z --parallel-max "$CONNS" "${args[@]}"
	t1=$(date +%s.%N)
	echo "$n $t0 $t1" | awk '{ printf "%.2f\n", $1 / 1024 / ($3 - $2) }'
}

sed "s|^http://[^/]*|$AIS_ENDPOINT|" "$work/owners" >"$work/via-proxy"
sed "s|^http://[^/]*|http://127.0.0.1:$ngport|" "$work/owners" | on_nginx >"$work/nginx-urls"

median() { sort -n | awk '{ v[NR]=$1 } END { print v[int((NR+1)/2)] }'; }

declare -A res
for r in $(seq 1 "$RUNS"); do
	res[wd]+="$(wrk_pair direct) "; res[wn]+="$(wrk_pair nginx) "
	res[cp]+="$(curl_rate "$work/via-proxy") "
	res[cd]+="$(curl_rate "$work/owners") "
	res[cn]+="$(curl_rate "$work/nginx-urls") "
done
m() { echo "${res[$1]}" | tr ' ' '\n' | grep . | median; }
wd=$(m wd) wn=$(m wn) cp=$(m cp) cd=$(m cd) cn=$(m cn)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cat <<EOT
warm GET, $NOBJ x 1 MiB objects, 1 proxy + $TARGETS target(s), $CONNS connections, median of $RUNS runs
client        path                  GiB/s   vs nginx   runs
wrk           direct to owner       $wd    $(ratio "$wd" "$wn")       ${res[wd]}
wrk           nginx sendfile        $wn    1.00       ${res[wn]}
curl -Z -L    through the redirect  $cp    $(ratio "$cp" "$cn")       ${res[cp]}
curl -Z       direct to owner       $cd    $(ratio "$cd" "$cn")       ${res[cd]}
curl -Z       nginx sendfile        $cn    1.00       ${res[cn]}
EOT
