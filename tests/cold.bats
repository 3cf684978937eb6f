#!/usr/bin/env bats
# Cold GET: s3:// buckets on s3rver and ht:// buckets on nginx, cached on
# first read with one backend fetch per object, and every way a backend
# can fail.

setup_file() {
	load helpers/common
	start_s3rver
	mkdir -p "$BATS_FILE_TMPDIR/www/data"
	gen_file "$BATS_FILE_TMPDIR/www/data/big" $((64 << 20)) big
	gen_file "$BATS_FILE_TMPDIR/www/data/r" 300000 r
	gen_file "$BATS_FILE_TMPDIR/www/data/gone" 1000 gone
	mkdir -p "$BATS_FILE_TMPDIR/www/many"
	for i in $(seq 1 400); do
		head -c 131072 /dev/urandom >"$BATS_FILE_TMPDIR/www/many/o$i"
	done
	start_nginx "$BATS_FILE_TMPDIR/www"
	start_bad_origin
	start_sigv4_origin SIGNED S3RVER
	start_sigv4_origin WRONG not-the-secret
	for n in 0 1 1000 1048576 3000000; do
		gen_file "$BATS_FILE_TMPDIR/s3-$n" $n "s3-$n"
		s3cmd -q -c "$S3CFG" put "$BATS_FILE_TMPDIR/s3-$n" "s3://src/obj/$n"
	done
	s3cmd -q -c "$S3CFG" put "$BATS_FILE_TMPDIR/s3-1000" s3://src/meta \
	    --add-header=x-amz-meta-team:vision --add-header=x-amz-meta-split:train
	export CLUSTER=$BATS_FILE_TMPDIR/cluster
	cluster_up 1 2 1 -- --s3-endpoint "http://127.0.0.1:$S3_PORT" \
	    --backend-timeout 2000
	ais-ctl bucket create ht://web -u "http://127.0.0.1:$NGINX_PORT/data"
	ais-ctl bucket create ht://many -u "http://127.0.0.1:$NGINX_PORT/many"
	ais-ctl bucket create s3://liar -u "http://127.0.0.1:$BAD_PORT" \
	    --validate-cold-get
	ais-ctl bucket create ht://odd -u "http://127.0.0.1:$BAD_PORT/odd"
	ais-ctl bucket create s3://signed -u "http://127.0.0.1:$SIGNED_PORT"
}

teardown_file() {
	load helpers/common
	use_cluster
	cluster_down
	stop_peers
}

setup() {
	load helpers/common
	use_cluster
}

headers() {	# headers URL: response headers that must not change
	curl -sS -L -D - -o /dev/null "$1" | tr -d '\r' |
	    grep -iE '^(content-length|etag|last-modified|ais-version|ais-custom-md|ais-checksum)'
}

@test "cold then warm GET of s3 objects are byte-identical to the backend, with the same headers" {
	for n in 0 1 1000 1048576 3000000; do
		url="$AIS_ENDPOINT/v1/objects/src/obj/$n?provider=aws"
		cold=$(headers "$url")
		curl -fsS -L "$url" | cmp - "$BATS_FILE_TMPDIR/s3-$n"
		warm=$(headers "$url")
		[ "$cold" = "$warm" ]
		ais-get "s3://src/obj/$n" | cmp - "$BATS_FILE_TMPDIR/s3-$n"
	done
	run curl -fsSI -L "$AIS_ENDPOINT/v1/objects/src/obj/1000?provider=aws"
	assert_output --partial "Ais-Present: true"
}

@test "ETag, MD5 checksum and user metadata round-trip from S3" {
	run curl -fsSI -L "$AIS_ENDPOINT/v1/objects/src/meta?provider=aws"
	assert_output --partial "Ais-Present: false"
	curl -fsS -L "$AIS_ENDPOINT/v1/objects/src/meta?provider=aws" -o /dev/null
	run curl -fsSI -L "$AIS_ENDPOINT/v1/objects/src/meta?provider=aws"
	md5=$(md5sum <"$BATS_FILE_TMPDIR/s3-1000" | cut -d' ' -f1)
	assert_output --partial "ETag: \"$md5\""
	assert_output --partial "Ais-Checksum-Value: $md5"
	assert_output --partial "team=vision"
	assert_output --partial "split=train"
}

@test "64 concurrent GETs of one cold 64 MiB object leave exactly one GET in the origin's log" {
	for i in $(seq 1 64); do
		curl -fsS -L -o "$BATS_TEST_TMPDIR/c$i" \
		    "$AIS_ENDPOINT/v1/objects/web/big?provider=ht" &
	done
	wait
	for i in $(seq 1 64); do
		cmp "$BATS_TEST_TMPDIR/c$i" "$BATS_FILE_TMPDIR/www/data/big"
	done
	[ "$(grep -c '^GET /data/big ' "$NGINX_LOG")" -eq 1 ]
	[ -z "$(work_files)" ]
}

@test "400 cold GETs, 32 at a time, reuse the targets' backend connections instead of opening new ones" {
	seq 1 400 | sed 's/^/o/' >"$BATS_TEST_TMPDIR/names"
	ais-loader -bucket many -provider ht -filelist "$BATS_TEST_TMPDIR/names" \
	    -epochs 1 -duration 0 -numworkers 32 -statsinterval 0 -quiet
	[ "$(grep -c '^GET /many/' "$NGINX_LOG")" -eq 400 ]
	conns=$(awk '$2 ~ /^\/many\// { print $4 }' "$NGINX_LOG" | sort -u | wc -l)
	echo "backend connections: $conns"
	# at most one per GET in flight, on each of the two targets
	[ "$conns" -le 64 ]
}

@test "the first byte of a cold object arrives long before the backend's last" {
	run curl -fsS -L -o /dev/null -w '%{time_starttransfer} %{time_total}' \
	    "$AIS_ENDPOINT/v1/objects/odd/slow?provider=ht"
	assert_success
	echo "first byte, last byte: $output"
	awk '{ exit !($1 < $2 / 2) }' <<<"$output"
}

@test "a cold object that trickles in reaches the client as it comes, not 256 KiB at a time" {
	url="$AIS_ENDPOINT/v1/objects/odd/trickle?provider=ht"
	t0=$(date +%s%N)
	# 96 KiB: three of the origin's pieces, 100 ms after its headers
	t1=$(curl -fsS -L "$url" | { head -c 98304 >/dev/null; date +%s%N; cat >/dev/null; })
	ms=$(((t1 - t0) / 1000000))
	echo "the client had 96 KiB after $ms ms"
	[ "$ms" -lt 300 ]
}

@test "a slow cold GET never stalls a warm GET or another cold one" {
	curl -fsS -L -o /dev/null "$AIS_ENDPOINT/v1/objects/src/obj/1000?provider=aws"
	curl -fsS -L -o /dev/null "$AIS_ENDPOINT/v1/objects/odd/second/slow?provider=ht" &
	sleep 0.3
	run curl -fsS -L -o /dev/null -w '%{time_total}' \
	    "$AIS_ENDPOINT/v1/objects/src/obj/1000?provider=aws"
	echo "warm GET during the slow cold one: $output s"
	awk '{ exit !($1 < 0.5) }' <<<"$output"
	run curl -fsS -L -o /dev/null -w '%{time_total}' \
	    "$AIS_ENDPOINT/v1/objects/odd/ok?provider=ht"
	echo "another cold GET meanwhile: $output s"
	awk '{ exit !($1 < 0.5) }' <<<"$output"
	wait
}

@test "an object of unknown length (chunked) joined mid-fetch is sent whole to both GETs, not cut at what had arrived" {
	python3 -c 'import sys; [sys.stdout.buffer.write(bytes([i]) * 262144) for i in range(16)]' \
	    >"$BATS_TEST_TMPDIR/want"
	url="$AIS_ENDPOINT/v1/objects/odd/chunked?provider=ht"
	curl -fsS -L -o "$BATS_TEST_TMPDIR/first" "$url" &
	sleep 0.6
	run curl -fsS -L -o "$BATS_TEST_TMPDIR/second" "$url"
	assert_success
	wait %1
	cmp "$BATS_TEST_TMPDIR/first" "$BATS_TEST_TMPDIR/want"
	cmp "$BATS_TEST_TMPDIR/second" "$BATS_TEST_TMPDIR/want"
	[ "$(grep -c '^GET /odd/chunked' "$BAD_LOG")" -eq 1 ]
}

@test "a Range GET of a cold object is served from the whole object, fetched once" {
	run curl -sS -L -H 'Range: bytes=1000-1999' -w ' %{http_code}' \
	    -o "$BATS_TEST_TMPDIR/part" "$AIS_ENDPOINT/v1/objects/web/r?provider=ht"
	assert_output " 206"
	cmp "$BATS_TEST_TMPDIR/part" <(tail -c +1001 "$BATS_FILE_TMPDIR/www/data/r" | head -c 1000)
	run curl -fsSI -L "$AIS_ENDPOINT/v1/objects/web/r?provider=ht"
	assert_output --partial "Ais-Present: true"
	[ "$(grep -c '^GET /data/r ' "$NGINX_LOG")" -eq 1 ]
}

@test "listing an s3 bucket: the backend's names with a cached flag, paginated; --cached lists only what the cluster holds" {
	run ais-ctl object ls s3://src --page-size 2 --json
	assert_success
	[ "$(echo "$output" | jq length)" -eq 6 ]
	[ "$(echo "$output" | jq -r '.[] | select(.name == "obj/1000") | .cached')" = true ]
	page=$(curl -fsS "$AIS_ENDPOINT/v1/buckets/src?provider=aws&pagesize=2")
	[ "$(echo "$page" | jq '.entries | length')" -eq 2 ]
	[ -n "$(echo "$page" | jq -r .continuation_token)" ]
	run ais-ctl object ls s3://src --cached --json
	[ "$(echo "$output" | jq -r '[.[].name] | sort | join(",")')" = "meta,obj/0,obj/1,obj/1000,obj/1048576,obj/3000000" ]
}

@test "evict: the data leaves the targets and the next GET is cold again" {
	curl -fsS -L -o /dev/null "$AIS_ENDPOINT/v1/objects/web/gone?provider=ht"
	ais-ctl object evict ht://web/gone
	run curl -fsSI -L "$AIS_ENDPOINT/v1/objects/web/gone?provider=ht"
	assert_output --partial "Ais-Present: false"
	curl -fsS -L -o /dev/null "$AIS_ENDPOINT/v1/objects/web/gone?provider=ht"
	[ "$(grep -c '^GET /data/gone ' "$NGINX_LOG")" -eq 2 ]
	ais-ctl bucket evict s3://src
	run ais-ctl object ls s3://src --cached --json
	assert_output "[]"
	run curl -sS -L -X DELETE -o /dev/null -w '%{http_code}' "$AIS_ENDPOINT/v1/objects/src/meta?provider=aws"
	assert_output 405
}

@test "a changed object is fetched again only with ?latest=true" {
	echo one >"$BATS_TEST_TMPDIR/v"
	s3cmd -q -c "$S3CFG" put "$BATS_TEST_TMPDIR/v" s3://src/changing
	run curl -fsS -L "$AIS_ENDPOINT/v1/objects/src/changing?provider=aws"
	assert_output one
	echo two >"$BATS_TEST_TMPDIR/v"
	s3cmd -q -c "$S3CFG" put "$BATS_TEST_TMPDIR/v" s3://src/changing
	run curl -fsS -L "$AIS_ENDPOINT/v1/objects/src/changing?provider=aws"
	assert_output one
	run curl -fsS -L "$AIS_ENDPOINT/v1/objects/src/changing?provider=aws&latest=true"
	assert_output two
	run curl -fsS -L "$AIS_ENDPOINT/v1/objects/src/changing?provider=aws"
	assert_output two
}

@test "backend 404 is 404 and 403 is 403, with a JSON error" {
	run curl -sS -L "$AIS_ENDPOINT/v1/objects/src/nosuch?provider=aws"
	[ "$(echo "$output" | jq .status)" = 404 ]
	run curl -sS -L "$AIS_ENDPOINT/v1/objects/odd/forbidden?provider=ht"
	[ "$(echo "$output" | jq .status)" = 403 ]
	run curl -sS "$AIS_ENDPOINT/v1/objects/nosuchbucket/x?provider=aws"
	[ "$(echo "$output" | jq .status)" = 404 ]
}

@test "a backend that sends fewer bytes than announced: the client sees an error, nothing is stored, the next GET retries" {
	# an error status, or the connection cut if the body had begun
	run curl -fsS -L -o /dev/null "$AIS_ENDPOINT/v1/objects/odd/short?provider=ht"
	assert_failure
	run curl -sSI -L "$AIS_ENDPOINT/v1/objects/odd/short?provider=ht"
	refute_output --partial "Ais-Present: true"
	run curl -fsS -L -o /dev/null "$AIS_ENDPOINT/v1/objects/odd/short?provider=ht"
	assert_failure
	[ "$(grep -c '^GET /odd/short' "$BAD_LOG")" -eq 2 ]
	[ -z "$(work_files)" ]
}

@test "bytes whose MD5 does not match the ETag are refused with validate_cold_get, nothing stored" {
	run curl -sS -L -o "$BATS_TEST_TMPDIR/bad" -w '%{http_code}' \
	    "$AIS_ENDPOINT/v1/objects/liar/badmd5?provider=aws"
	# the headers went out before the end: the connection is cut
	[ "$status" -ne 0 ] || [ "$output" != 200 ]
	run curl -sS -L -o /dev/null -w '%{http_code}' "$AIS_ENDPOINT/v1/objects/liar/badmd5?provider=aws"
	[ "$(grep -c 'GET /liar/badmd5' "$BAD_LOG")" -eq 2 ]
	run curl -fsS -L "$AIS_ENDPOINT/v1/objects/liar/ok?provider=aws" -o /dev/null
	assert_success
	[ -z "$(work_files)" ]
}

@test "with the backend down, warm GETs still work and cold ones fail with 503 within the timeout" {
	curl -fsS -L -o /dev/null "$AIS_ENDPOINT/v1/objects/web/r?provider=ht"
	stop_nginx
	wait_for 10 bash -c "! curl -s -o /dev/null http://127.0.0.1:$NGINX_PORT/"
	curl -fsS -L "$AIS_ENDPOINT/v1/objects/web/r?provider=ht" | cmp - "$BATS_FILE_TMPDIR/www/data/r"
	SECONDS=0
	run curl -sS -L "$AIS_ENDPOINT/v1/objects/web/never-cached?provider=ht"
	[ "$(echo "$output" | jq .status)" = 503 ]
	[ $SECONDS -lt 10 ]
	[ -z "$(work_files)" ]
}

@test "the fill loops run at nice -10, one per CPU, ahead of the target's event loops" {
	local pid n
	pid=$(node_field t1 pid)
	n=$(for t in /proc/"$pid"/task/*; do awk '{ print $19 }' "$t/stat"; done |
	    grep -c -- '^-10$')
	[ "$n" -eq "$(nproc)" ]
	for t in /proc/"$pid"/task/*; do awk '{ print $19 }' "$t/stat"; done |
	    grep -q '^0$'
}

@test "S3 requests are signed as AWS checks them: keys with space, +, %, ~, ?, &, = and UTF-8, HEAD, a listing with / in its prefix" {
	for key in "plain" "dir/a b+c%d~e" "caf\xc3\xa9/x" "q?x=1&y=*"; do
		key=$(printf %b "$key")
		ais-get "s3://signed/$key" >"$BATS_TEST_TMPDIR/got"
		[ "$(head -c "$(printf %s "$key" | wc -c)" "$BATS_TEST_TMPDIR/got")" = "$key" ]
	done
	grep -qF "OK GET /signed/dir/a%20b%2Bc%25d~e" "$SIGNED_LOG"
	run ais-ctl object ls s3://signed --prefix "dir/sub dir/"
	[ "$status" -eq 0 ]
	[[ "$output" == *"dir/sub dir/x"* ]]
	grep -q "^OK GET /signed?.*list-type=2" "$SIGNED_LOG"
	grep -q "^OK HEAD " "$SIGNED_LOG"
	# the checker can fail: not one request of ours was refused
	! grep -q "^BAD" "$SIGNED_LOG"
}

@test "a backend that refuses our signature (it holds another secret): the bucket is refused with its 403" {
	run ais-ctl bucket create s3://wrongkey -u "http://127.0.0.1:$WRONG_PORT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"backend answered 403"* ]]
	grep -q "^BAD HEAD /wrongkey" "$WRONG_LOG"
	run ais-ctl bucket ls
	[[ "$output" != *wrongkey* ]]
}

@test "targets killed in the middle of a cold GET leave no work file and no partial object; the next GET is whole" {
	url="$AIS_ENDPOINT/v1/objects/odd/killed/slow?provider=ht"
	curl -sS -L -o "$BATS_TEST_TMPDIR/cut" "$url" 2>/dev/null &
	sleep 0.8	# the origin takes 2 s for its 4 MiB
	ais-ctl node kill t1
	ais-ctl node kill t2
	wait || true
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/cut")" -lt $((4 << 20)) ]
	ais-ctl node start t1
	ais-ctl node start t2
	wait_for 20 has_targets 2
	[ -z "$(work_files)" ]
	[ -z "$(find "$AIS_CLUSTER_DIR" -path '*/%ob/killed/*')" ]
	run curl -fsS -L -o "$BATS_TEST_TMPDIR/whole" -w '%{size_download}' "$url"
	assert_output $((4 << 20))
	[ "$(tr -d w <"$BATS_TEST_TMPDIR/whole" | wc -c)" -eq 0 ]
}
