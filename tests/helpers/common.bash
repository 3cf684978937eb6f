# Shared setup of the bats suites: real daemons on loopback, random free
# ports, a cluster folder per test file, data from fixed seeds.
bats_load_library bats-support
bats_load_library bats-assert

: "${AIS_BIN:=$BATS_TEST_DIRNAME/../bin}"
export PATH="$AIS_BIN:$PATH"

# cluster_up P T [M] [-- daemon options]: starts a cluster in $CLUSTER.
cluster_up() {
	local p=$1 t=$2 m=${3:-1}
	shift 3 2>/dev/null || shift $#
	export AIS_CLUSTER_DIR=${CLUSTER:-$BATS_FILE_TMPDIR/cluster}
	ais-ctl cluster up -P "$p" -T "$t" -M "$m" --port 0 "$@" >/dev/null ||
	    return 1
	# shellcheck disable=SC1091
	. "$AIS_CLUSTER_DIR/env"
	export AIS_ENDPOINT AIS_CLUSTER_DIR
}

# Stops the cluster; sanitizer reports in its logs go to $AIS_TEST_LOGS,
# where tests/run.sh counts them as failures.
# use_cluster: the environment of the file's cluster, for setup().
use_cluster() {
	export AIS_CLUSTER_DIR=$BATS_FILE_TMPDIR/cluster
	# shellcheck disable=SC1091
	. "$AIS_CLUSTER_DIR/env"
	export AIS_ENDPOINT
}

cluster_down() {
	[ -n "${AIS_CLUSTER_DIR:-}" ] && [ -f "$AIS_CLUSTER_DIR/cluster.json" ] &&
	    ais-ctl cluster down >/dev/null 2>&1
	if [ -n "${AIS_TEST_LOGS:-}" ] && grep -l -E \
	    'runtime error:|AddressSanitizer|LeakSanitizer' \
	    "$AIS_CLUSTER_DIR"/*/log >/dev/null 2>&1; then
		grep -h -A30 -E 'runtime error:|AddressSanitizer|LeakSanitizer' \
		    "$AIS_CLUSTER_DIR"/*/log >>"$AIS_TEST_LOGS/sanitizer.log"
	fi
	return 0
}

# node_field ID FIELD: a field of a node in cluster.json (port, pid, ...).
node_field() {
	jq -r --arg id "$1" ".nodes[] | select(.id == \$id) | .$2" \
	    "$AIS_CLUSTER_DIR/cluster.json"
}

target_url() {
	echo "http://127.0.0.1:$(node_field "$1" port)"
}

# gen_file PATH SIZE SEED: deterministic content.
gen_file() {
	openssl enc -aes-128-ctr -pass "pass:$3" -nosalt -pbkdf2 \
	    </dev/zero 2>/dev/null | head -c "$2" >"$1"
}

# wait_for SECONDS CMD...: polls until CMD succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.1
	done
}

smap_targets() {
	curl -fsS "$AIS_ENDPOINT/v1/cluster?what=smap" | jq '.targets | length'
}

has_targets() {
	[ "$(smap_targets 2>/dev/null)" = "$1" ]
}

# Work files anywhere in the cluster folder (there should be none).
work_files() {
	find "$AIS_CLUSTER_DIR" -path '*/%wk/*' -type f
}
