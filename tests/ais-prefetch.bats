#!/usr/bin/env bats
# Jobs: ais-prefetch and ais-ctl job against a real s3rver backend and an
# nginx origin whose access log counts the fetches; every selection form,
# every exit status, and the ways a job can go wrong.

bats_require_minimum_version 1.5.0

setup_file() {
	load helpers/common
	start_s3rver
	local f=$BATS_FILE_TMPDIR/obj
	gen_file "$f" 4096 obj
	{
		for i in $(seq -w 0 39); do echo "ds/shard-0$i"; done
		for i in 1 2 3; do echo "other/x$i"; done
	} | xargs -P 4 -I{} curl -fsS -T "$f" \
	    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -o /dev/null \
	    "http://127.0.0.1:$S3_PORT/src/{}"
	# the origin: a fast folder and a slow one (128 KiB/s a connection)
	mkdir -p "$BATS_FILE_TMPDIR/www/data" "$BATS_FILE_TMPDIR/www/slow"
	for i in $(seq -w 0 19); do
		gen_file "$BATS_FILE_TMPDIR/www/data/f-$i" 1048576 "f-$i"
	done
	for i in $(seq -w 0 7); do
		gen_file "$BATS_FILE_TMPDIR/www/slow/s-$i" 262144 "s-$i"
	done
	NGINX_EXTRA='location /slow/ { limit_rate 128k; }' \
	    start_nginx "$BATS_FILE_TMPDIR/www"
	export CLUSTER=$BATS_FILE_TMPDIR/cluster
	cluster_up 1 2 1 -- --s3-endpoint "http://127.0.0.1:$S3_PORT"
	ais-ctl bucket create ht://web -u "http://127.0.0.1:$NGINX_PORT/data"
	ais-ctl bucket create ht://slow -u "http://127.0.0.1:$NGINX_PORT/slow"
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

# cached BUCKET [PREFIX]: how many objects the cluster holds
cached() {
	ais-ctl object ls --cached --json ${2:+--prefix "$2"} "$1" | jq length
}

# fetches NAME: GETs of /data/NAME or /slow/NAME in the origin's log
fetches() {
	grep -c "^GET /[a-z]*/$1 200" "$NGINX_LOG" || true
}

@test "a template prefetch brings every object in; a second run fetches nothing" {
	run ais-prefetch --wait s3://src 'ds/shard-{000..039}'
	assert_success
	assert_output --partial "40 objects (40 fetched, 0 cached, 0 failed)"
	[ "$(cached s3://src ds/)" -eq 40 ]
	ais-get s3://src/ds/shard-017 | cmp - "$BATS_FILE_TMPDIR/obj"
	SECONDS=0
	run ais-prefetch --wait s3://src 'ds/shard-{000..039}'
	assert_success
	assert_output --partial "40 objects (0 fetched, 40 cached, 0 failed)"
	[ $SECONDS -le 5 ]
}

@test "names as operands, from a file, from stdin, and a template with a step" {
	ais-ctl bucket evict s3://src
	run --separate-stderr ais-prefetch -w --json s3://src ds/shard-000 ds/shard-001
	assert_success
	[ "$(jq .objects_changed <<<"$output")" -eq 2 ]
	printf 'ds/shard-002\n\n# a comment\nds/shard-003\n' >"$BATS_TEST_TMPDIR/names"
	run --separate-stderr ais-prefetch -w --json --list "$BATS_TEST_TMPDIR/names" s3://src
	assert_success
	[ "$(jq .objects_total <<<"$output")" -eq 2 ]
	run --separate-stderr ais-prefetch -w --json --list - s3://src <<<"ds/shard-004"
	assert_success
	[ "$(jq .objects_changed <<<"$output")" -eq 1 ]
	run --separate-stderr ais-prefetch -w --json s3://src 'ds/shard-{000..039..10}'
	assert_success
	[ "$(jq .objects_total <<<"$output")" -eq 4 ]	# 000 010 020 030
	[ "$(jq .objects_changed <<<"$output")" -eq 3 ]	# 000 was cached
	[ "$(cached s3://src ds/)" -eq 8 ]
}

@test "a prefix is listed on the backend; no selection is the whole bucket" {
	ais-ctl bucket evict s3://src
	run --separate-stderr ais-prefetch -w --json --prefix other/ s3://src
	assert_success
	[ "$(jq .objects_total <<<"$output")" -eq 3 ]
	[ "$(cached s3://src)" -eq 3 ]
	run --separate-stderr ais-prefetch -w --json s3://src
	assert_success
	[ "$(jq .objects_total <<<"$output")" -eq 43 ]
	[ "$(jq .objects_skipped <<<"$output")" -eq 3 ]
	[ "$(cached s3://src)" -eq 43 ]
}

@test "objects missing on the backend fail alone: exit 1 names them, the rest are fetched" {
	ais-ctl bucket evict s3://src
	run ais-prefetch -w s3://src 'ds/shard-{036..043}'
	assert_failure 1
	assert_output --partial "s3://src/ds/shard-040: not found on the backend"
	assert_output --partial "s3://src/ds/shard-043: not found on the backend"
	assert_output --partial "8 objects (4 fetched, 0 cached, 4 failed)"
	[ "$(cached s3://src ds/)" -eq 4 ]
}

@test "bad usage exits 64, a missing bucket or list file 66, no cluster 69" {
	run ais-prefetch
	assert_failure 64
	run ais-prefetch s3://src 'a{1..}'
	assert_failure 64
	assert_output --partial "bad template"
	run ais-prefetch s3://src x --prefix y
	assert_failure 64
	run ais-prefetch ais://local
	assert_failure 64
	run ais-prefetch --timeout soon s3://src x
	assert_failure 64
	run ais-prefetch s3://no-such-bucket x
	assert_failure 66
	assert_output --partial "does not exist"
	run ais-prefetch --list /nonexistent s3://src
	assert_failure 66
	AIS_ENDPOINT=http://127.0.0.1:1 run ais-prefetch s3://src x
	assert_failure 69
	assert_output --partial "ais-prefetch: cannot reach the cluster"
	run ais-prefetch -h
	assert_success
	assert_output --partial "--timeout"
}

@test "two overlapping prefetches and client GETs fetch each object once" {
	ais-prefetch -q -w ht://web 'f-{00..14}' &
	ais-prefetch -q -w -n 8 ht://web 'f-{05..19}' &
	for i in 05 07 09; do
		curl -fsS -L -o "$BATS_TEST_TMPDIR/f-$i" \
		    "$AIS_ENDPOINT/v1/objects/web/f-$i?provider=ht" &
	done
	wait
	for i in $(seq -w 0 19); do
		[ "$(fetches "f-$i")" -eq 1 ] || fail "f-$i fetched $(fetches "f-$i") times"
	done
	for i in 05 07 09; do
		cmp "$BATS_TEST_TMPDIR/f-$i" "$BATS_FILE_TMPDIR/www/data/f-$i"
	done
	ais-get ht://web/f-19 | cmp - "$BATS_FILE_TMPDIR/www/data/f-19"
}

@test "ais-ctl job start evict drops a template's objects; the next prefetch fetches them again" {
	ais-prefetch -q -w ht://web 'f-{00..19}'
	run ais-ctl job start evict ht://web 'f-{00..09}' --wait
	assert_success
	assert_output --partial "10 objects (10 evicted, 0 not cached, 0 failed)"
	[ "$(find "$AIS_CLUSTER_DIR"/t*/mp1/@ht/web/%ob -type f | wc -l)" -eq 10 ]
	before=$(fetches f-03)
	ais-prefetch -q -w ht://web 'f-{00..19}'
	[ "$(fetches f-03)" -eq $((before + 1)) ]
	[ "$(fetches f-13)" -eq 1 ]
}

@test "--timeout exits 75 while the job goes on; ais-ctl job ls, show and wait follow it" {
	ais-ctl bucket evict ht://slow
	run ais-prefetch --timeout 1s -n 1 ht://slow 's-{0..7}'
	assert_failure 75
	assert_output --partial "still running"
	id=$(ais-ctl job ls --json | jq -r '.[0].id')
	run ais-ctl job ls
	assert_output --partial "$id"
	assert_output --regexp "$id +prefetch +ht://slow +running"
	run ais-ctl job show "$id"
	assert_output --partial "TARGET"
	assert_output --partial "t1"
	assert_output --partial "t2"
	run ais-ctl job wait "$id"
	assert_success
	assert_output --partial "8 objects (8 fetched"
	[ "$(cached ht://slow)" -eq 8 ]
}

@test "ais-ctl job stop aborts a job; wait then exits 1 and a rerun completes it" {
	ais-ctl bucket evict ht://slow
	id=$(ais-ctl job start prefetch ht://slow 's-{0..7}' -n 1)
	ais-ctl job stop "$id"
	run --separate-stderr ais-ctl job wait --json "$id"
	assert_failure 1
	[ "$(jq -r .state <<<"$output")" = aborted ]
	run ais-ctl job wait nosuchjob
	assert_failure 66
	run ais-prefetch -q -w ht://slow 's-{0..7}'
	assert_success
	[ "$(cached ht://slow)" -eq 8 ]
}

@test "a target killed and restarted mid-job: the job reports it lost, a rerun completes it" {
	ais-ctl bucket evict ht://slow
	id=$(ais-prefetch -n 1 ht://slow 's-{0..7}')
	sleep 1
	ais-ctl node kill t1
	ais-ctl node start t1
	wait_for 20 has_targets 2
	run ais-ctl job wait --timeout 60s "$id"
	assert_failure 1
	assert_output --partial "target t1 lost job $id"
	run ais-prefetch -w ht://slow 's-{0..7}'
	assert_success
	[ "$(cached ht://slow)" -eq 8 ]
	[ -z "$(work_files)" ]
}

@test "progress: plain lines off a terminal, a bar on one, nothing but errors with -q" {
	ais-ctl bucket evict ht://slow
	run ais-prefetch -w --interval 1s -n 1 ht://slow 's-{0..7}'
	assert_success
	assert_output --regexp "ais-prefetch: j[A-Za-z0-9]+ running: [0-9]+/8 objects"
	ais-ctl bucket evict ht://slow
	run script -qec "ais-prefetch -w -n 1 ht://slow 's-{0..7}'" /dev/null
	assert_success
	assert_output --partial "prefetch j"
	assert_output --regexp "\[#*\.*\] [0-9]+/8 objects"
	assert_output --partial "ETA"
	ais-ctl bucket evict ht://slow
	run ais-prefetch -q -w ht://slow 's-{0..1}'
	assert_success
	assert_output ""
}

@test "--latest fetches again an object that changed on the backend" {
	local v2=$BATS_TEST_TMPDIR/v2
	ais-prefetch -q -w s3://src other/x1
	gen_file "$v2" 5000 v2
	curl -fsS -T "$v2" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' \
	    -o /dev/null "http://127.0.0.1:$S3_PORT/src/other/x1"
	run --separate-stderr ais-prefetch -w --json s3://src other/x1
	[ "$(jq .objects_skipped <<<"$output")" -eq 1 ]
	ais-get s3://src/other/x1 | cmp - "$BATS_FILE_TMPDIR/obj"
	run --separate-stderr ais-prefetch -w --json --latest s3://src other/x1
	assert_success
	[ "$(jq .objects_changed <<<"$output")" -eq 1 ]
	ais-get s3://src/other/x1 | cmp - "$v2"
}

@test "warm GETs are served at once while a prefetch runs" {
	ais-prefetch -q -w ht://web f-00
	ais-ctl bucket evict ht://slow
	id=$(ais-prefetch -n 2 ht://slow 's-{0..7}')
	for i in 1 2 3 4 5; do
		t=$(curl -fsS -L -o /dev/null -w '%{time_total}' \
		    "$AIS_ENDPOINT/v1/objects/web/f-00?provider=ht")
		awk -v t="$t" 'BEGIN { exit !(t < 0.5) }'
	done
	[ "$(ais-ctl job show --json "$id" | jq -r .state)" = running ]
	ais-ctl job wait "$id" >/dev/null
}
