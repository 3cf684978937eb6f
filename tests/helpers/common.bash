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

# ---- backends for remote buckets ----

free_port() {		# [N]: N distinct ports, one a line
	/usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/free-port.py" "$@"
}

listening() {	# listening PORT
	/usr/bin/python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),timeout=1)" 2>/dev/null
}

# start_s3rver: the S3 emulator on a free port; sets S3_PORT, S3CFG.
start_s3rver() {
	local top=$BATS_TEST_DIRNAME
	S3_PORT=$(free_port)
	# s3rver's ListObjectsV2 continuation tokens use DES, which Node's
	# OpenSSL 3 has only in its legacy provider.
	NODE_OPTIONS=--openssl-legacy-provider \
	    "$top/.npm/node_modules/.bin/s3rver" -d "$BATS_FILE_TMPDIR/s3data" \
	    -a 127.0.0.1 -p "$S3_PORT" --silent --configure-bucket src \
	    >"$BATS_FILE_TMPDIR/s3rver.log" 2>&1 &
	echo $! >"$BATS_FILE_TMPDIR/s3rver.pid"
	wait_for 20 listening "$S3_PORT"
	S3CFG=$BATS_FILE_TMPDIR/s3cfg
	cat >"$S3CFG" <<-EOT
	[default]
	access_key = S3RVER
	secret_key = S3RVER
	host_base = 127.0.0.1:$S3_PORT
	host_bucket = 127.0.0.1:$S3_PORT
	use_https = False
	bucket_location = us-east-1
	EOT
	export S3_PORT S3CFG AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
}

# start_nginx DIR: nginx serving DIR with an access log; sets NGINX_PORT.
# $NGINX_EXTRA, if set, goes into the server block (a slow location).
start_nginx() {
	local d=$BATS_FILE_TMPDIR/nginx
	NGINX_PORT=$(free_port)
	mkdir -p "$d"
	cat >"$d/nginx.conf" <<-EOT
	user root;
	worker_processes 2;
	pid $d/nginx.pid;
	error_log $d/error.log;
	events { worker_connections 1024; }
	http {
		sendfile on; keepalive_requests 100000;
		log_format plain '\$request_method \$uri \$status \$connection';
		access_log $d/access.log plain;
		client_body_temp_path $d/b; proxy_temp_path $d/p;
		fastcgi_temp_path $d/f; uwsgi_temp_path $d/u; scgi_temp_path $d/s;
		server { listen 127.0.0.1:$NGINX_PORT; root $1; ${NGINX_EXTRA:-} }
	}
	EOT
	nginx -c "$d/nginx.conf" -p "$d"
	wait_for 10 listening "$NGINX_PORT"
	export NGINX_PORT NGINX_LOG=$d/access.log
}

stop_nginx() {
	local pidf=$BATS_FILE_TMPDIR/nginx/nginx.pid
	[ -f "$pidf" ] && kill -QUIT "$(cat "$pidf")" 2>/dev/null
	return 0
}

# start_bad_origin: tests/helpers/bad-origin.py; sets BAD_PORT, BAD_LOG.
start_bad_origin() {
	BAD_PORT=$(free_port)
	BAD_LOG=$BATS_FILE_TMPDIR/bad-origin.log
	: >"$BAD_LOG"
	/usr/bin/python3 "$BATS_TEST_DIRNAME/helpers/bad-origin.py" \
	    "$BAD_PORT" "$BAD_LOG" >/dev/null 2>&1 &
	echo $! >"$BATS_FILE_TMPDIR/bad-origin.pid"
	wait_for 10 listening "$BAD_PORT"
	export BAD_PORT BAD_LOG
}

# start_sigv4_origin NAME SECRET: tests/helpers/sigv4-origin.py, checking
# signatures made with the key S3RVER and SECRET; sets NAME_PORT, NAME_LOG.
start_sigv4_origin() {
	local port log=$BATS_FILE_TMPDIR/sigv4-$1.log
	port=$(free_port)
	: >"$log"
	/usr/bin/python3 "$BATS_TEST_DIRNAME/helpers/sigv4-origin.py" \
	    "$port" "$log" S3RVER "$2" >"$BATS_FILE_TMPDIR/sigv4-$1.err" 2>&1 &
	echo $! >"$BATS_FILE_TMPDIR/sigv4-$1.pid"
	wait_for 10 listening "$port"
	export "$1_PORT=$port" "$1_LOG=$log"
}

stop_peers() {
	local f
	stop_nginx
	for f in "$BATS_FILE_TMPDIR"/s3rver.pid "$BATS_FILE_TMPDIR"/bad-origin.pid \
	    "$BATS_FILE_TMPDIR"/sigv4-*.pid; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	return 0
}
