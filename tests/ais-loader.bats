#!/usr/bin/env bats
# ais-loader: flags, output, where the load goes, several loaders, and
# failures counted rather than fatal.

setup_file() {
	load helpers/common
	export CLUSTER=$BATS_FILE_TMPDIR/cluster
	cluster_up 1 2 1
	ais-ctl bucket create ais://lb >/dev/null
	ais-loader -bucket lb -pctput 100 -maxputs 40 -duration 0 \
	    -minsize 1000 -maxsize 200000 -numworkers 4 -seed 7 -quiet >/dev/null
}

teardown_file() {
	load helpers/common
	use_cluster
	cluster_down
	stop_peers
	pkill -f "ais-loader -listen ipc://$BATS_FILE_TMPDIR" 2>/dev/null || true
}

setup() {
	load helpers/common
	use_cluster
}

@test "-h lists aisloader's flags with their defaults" {
	run ais-loader -h
	assert_success
	for f in bucket provider duration numworkers pctput minsize maxsize \
	    totalputsize maxputs epochs cleanup statsinterval seed filelist \
	    readoff readlen verifyhash randomproxy s3endpoint json quiet; do
		assert_output --partial "--$f"
	done
	assert_output --partial "(default: 60s)"
}

@test "a PUT and GET mix prints interval lines per operation and a final summary" {
	run ais-loader -bucket lb -pctput 30 -duration 2500ms -statsinterval 1s \
	    -numworkers 4 -minsize 1000 -maxsize 1000
	assert_success
	assert_line --index 0 --regexp '^TIME +OP +COUNT +BYTES +THROUGHPUT +MIN +AVG +P50 +P90 +P99 +MAX +ERRORS$'
	assert_line --regexp '^1\.[0-9]s +GET '
	assert_line --regexp '^1\.[0-9]s +PUT '
	assert_line --regexp '^TOTAL +GET +[1-9][0-9]* '
	assert_line --regexp '^TOTAL +PUT +[1-9][0-9]* .* 0$'
}

@test "-json prints JSON lines with histogram percentiles in order" {
	run ais-loader -bucket lb -duration 1500ms -statsinterval 500ms -json -numworkers 2
	assert_success
	echo "$output" | jq -e . >/dev/null
	final=$(echo "$output" | jq -c 'select(.final and .op == "GET")')
	[ -n "$final" ]
	echo "$final" | jq -e '.latency_us | .min <= .p50 and .p50 <= .p90 and .p90 <= .p99 and .p99 <= .max'
	[ "$(echo "$output" | jq -s 'map(select(.final | not)) | length')" -ge 2 ]
}

@test "-epochs 2 reads every object exactly twice, through the proxy and direct" {
	n=$(ais-ctl object ls ais://lb --json | jq length)
	for mode in "" -direct -randomproxy; do
		run ais-loader -bucket lb -epochs 2 -duration 0 -json $mode -numworkers 3
		assert_success
		[ "$(echo "$output" | jq -s 'map(select(.final and .op == "GET")) | .[0].ops')" -eq $((2 * n)) ]
	done
}

@test "the loader's own HTTP client and -curl read the same objects and bytes, through the proxy and direct" {
	for mode in "" -direct; do
		run ais-loader -bucket lb -epochs 1 -duration 0 -json $mode -numworkers 3
		assert_success
		lean=$(echo "$output" | jq -c 'select(.final and .op == "GET") | [.ops, .bytes, .errors]')
		run ais-loader -bucket lb -epochs 1 -duration 0 -json $mode -numworkers 3 -curl
		assert_success
		[ "$(echo "$output" | jq -c 'select(.final and .op == "GET") | [.ops, .bytes, .errors]')" = "$lean" ]
		[ "$(echo "$lean" | jq '.[1]')" -gt 0 ]
	done
}

@test "-verifyhash: intact objects pass, an object rotted on disk is an error (own client and -curl)" {
	echo original-bytes | ais-ctl object put - ais://lb/rot
	f=$(find "$AIS_CLUSTER_DIR" -path '*%ob/rot' -type f)
	printf 'ORIGINAL-bytes\n' | dd of="$f" conv=notrunc status=none
	echo rot >"$BATS_TEST_TMPDIR/list"
	ais-ctl object ls ais://lb --json | jq -r '.[].name' | grep -vx rot \
	    >"$BATS_TEST_TMPDIR/intact"
	for mode in "" -curl; do
		run ais-loader -bucket lb -filelist "$BATS_TEST_TMPDIR/intact" \
		    -epochs 1 -duration 0 -verifyhash -json $mode
		[ "$(echo "$output" | jq -s 'map(select(.final)) | .[0].errors')" -eq 0 ]
		run ais-loader -bucket lb -filelist "$BATS_TEST_TMPDIR/list" -epochs 1 \
		    -duration 0 -verifyhash -json $mode
		assert_success
		[ "$(echo "$output" | jq -s 'map(select(.final)) | .[0].errors')" -eq 1 ]
	done
	ais-ctl object rm ais://lb/rot
}

@test "-cleanup deletes what the run PUT, and only that" {
	before=$(ais-ctl object ls ais://lb --json | jq length)
	run ais-loader -bucket lb -pctput 100 -maxputs 10 -duration 0 -cleanup \
	    -prefix tmp- -minsize 10 -maxsize 10 -quiet
	assert_success
	[ "$(ais-ctl object ls ais://lb --json | jq length)" -eq "$before" ]
}

@test "-readoff and -readlen send ranges" {
	run ais-loader -bucket lb -epochs 1 -duration 0 -readoff 0 -readlen 100 -json
	final=$(echo "$output" | jq -c 'select(.final and .op == "GET")')
	ops=$(echo "$final" | jq .ops)
	[ "$(echo "$final" | jq .bytes)" -le $((ops * 100)) ]
}

# loader_rcvbufs ARGS...: every rb (receive buffer) that ss shows for the
# loader's sockets while it runs; rb is twice the size asked for (the
# kernel's bookkeeping share)
loader_rcvbufs() {
	local pid rb=
	ais-loader "$@" >/dev/null &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		rb="$rb $(ss -tmnpH | grep -A1 "pid=$pid," | grep -o 'rb[0-9]*' | tr '\n' ' ')"
		sleep 0.1
	done
	wait "$pid"
	echo "$rb "
}

@test "-rcvbuf sets each connection's receive buffer, on its own client and -curl; 0 leaves it to the kernel" {
	for mode in "" -curl; do
		rb=$(loader_rcvbufs -bucket lb -duration 2s -numworkers 2 -direct -quiet -rcvbuf 49152 $mode)
		[[ " $rb" == *" rb98304 "* ]]
		rb=$(loader_rcvbufs -bucket lb -duration 2s -numworkers 2 -direct -quiet -rcvbuf 0 $mode)
		[ -n "$rb" ]
		[[ " $rb" != *" rb98304 "* ]]
	done
	run ais-loader -bucket lb -duration 1s -rcvbuf -1
	assert_failure 64
}

@test "-urls loads a plain HTTP server (nginx) with the same client" {
	mkdir -p "$BATS_FILE_TMPDIR/www"
	gen_file "$BATS_FILE_TMPDIR/www/f" 100000 u
	start_nginx "$BATS_FILE_TMPDIR/www"
	echo "http://127.0.0.1:$NGINX_PORT/f" >"$BATS_TEST_TMPDIR/urls"
	run ais-loader -urls "$BATS_TEST_TMPDIR/urls" -duration 1s -json -numworkers 2
	assert_success
	final=$(echo "$output" | jq -c 'select(.final)')
	[ "$(echo "$final" | jq .errors)" -eq 0 ]
	[ "$(echo "$final" | jq '.bytes / .ops')" -eq 100000 ]
}

@test "-s3endpoint loads an S3 endpoint directly with SigV4 (s3rver)" {
	start_s3rver
	gen_file "$BATS_TEST_TMPDIR/o" 50000 s
	for i in 1 2 3; do s3cmd -q -c "$S3CFG" put "$BATS_TEST_TMPDIR/o" s3://src/o$i; done
	run ais-loader -s3endpoint "http://127.0.0.1:$S3_PORT" -bucket src \
	    -epochs 2 -duration 0 -json -numworkers 2
	assert_success
	final=$(echo "$output" | jq -c 'select(.final and .op == "GET")')
	[ "$(echo "$final" | jq .ops)" -eq 6 ]
	[ "$(echo "$final" | jq .errors)" -eq 0 ]
}

@test "-s3endpoint signs each GET as AWS checks it, on its own client and on libcurl (-curl)" {
	start_sigv4_origin SIGNED S3RVER
	export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
	printf 'k1\nd/k 2\nk+3%%\n' >"$BATS_TEST_TMPDIR/names"
	for client in "" -curl; do
		: >"$SIGNED_LOG"
		run ais-loader -s3endpoint "http://127.0.0.1:$SIGNED_PORT" \
		    -bucket b -filelist "$BATS_TEST_TMPDIR/names" -epochs 2 \
		    -duration 0 -json -numworkers 2 $client
		assert_success
		final=$(echo "$output" | jq -c 'select(.final and .op == "GET")')
		[ "$(echo "$final" | jq .ops)" -eq 6 ]
		[ "$(echo "$final" | jq .errors)" -eq 0 ]
		[ "$(grep -c '^OK GET /b/' "$SIGNED_LOG")" -eq 6 ]
		grep -qF 'OK GET /b/d/k%202' "$SIGNED_LOG"
		! grep -q '^BAD' "$SIGNED_LOG"
	done
	# and a wrong secret is refused: errors counted, not fatal
	AWS_SECRET_ACCESS_KEY=wrong run ais-loader -s3endpoint \
	    "http://127.0.0.1:$SIGNED_PORT" -bucket b -filelist \
	    "$BATS_TEST_TMPDIR/names" -epochs 1 -duration 0 -json
	final=$(echo "$output" | jq -c 'select(.final and .op == "GET")')
	[ "$(echo "$final" | jq .errors)" -eq 3 ]
}

@test "several loader processes coordinated over nng: one report, counts add up" {
	for a in 1 2 3; do
		ais-loader -listen "ipc://$BATS_FILE_TMPDIR/agent$a" 2>/dev/null &
	done
	sleep 0.5
	n=$(ais-ctl object ls ais://lb --json | jq length)
	run ais-loader -agents "ipc://$BATS_FILE_TMPDIR/agent1,ipc://$BATS_FILE_TMPDIR/agent2,ipc://$BATS_FILE_TMPDIR/agent3" \
	    -bucket lb -epochs 1 -duration 0 -json -numworkers 2
	assert_success
	[ "$(echo "$output" | jq -s 'map(select(.final and .op == "GET")) | .[0].ops')" -eq $((3 * n)) ]
}

@test "failures: no cluster exits 69, an unknown bucket 66, a server that errors is counted, not fatal" {
	AIS_ENDPOINT=http://127.0.0.1:1 run ais-loader -bucket lb -duration 1s
	assert_failure 69
	run ais-loader -bucket nosuchbucket -duration 1s
	assert_failure 66
	assert_output --partial "does not exist"
	echo "$AIS_ENDPOINT/v1/objects/lb/missing-object" >"$BATS_TEST_TMPDIR/bad"
	run ais-loader -urls "$BATS_TEST_TMPDIR/bad" -duration 1s -json -numworkers 2
	assert_success
	[ "$(echo "$output" | jq 'select(.final) | .errors')" -gt 0 ]
	run ais-loader -bucket lb -duration 0
	assert_failure 64
	run ais-loader -bucket lb -bogus
	assert_failure 64
}
