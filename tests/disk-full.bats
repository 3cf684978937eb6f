#!/usr/bin/env bats
# A full disk: a target whose only mountpath is an 8 MiB tmpfs.  What does
# not fit fails with 507 and a clear message, leaves no work file, and
# takes nothing that was already stored.

setup_file() {
	load helpers/common
	export CLUSTER=$BATS_FILE_TMPDIR/cluster
	mkdir -p "$CLUSTER/t1/mp1"
	mount -t tmpfs -o size=8m ais-test-full "$CLUSTER/t1/mp1" ||
	    skip "cannot mount a tmpfs here"
	start_s3rver
	gen_file "$BATS_FILE_TMPDIR/small" 100000 small
	gen_file "$BATS_FILE_TMPDIR/big" $((16 << 20)) big
	s3cmd -q -c "$S3CFG" put "$BATS_FILE_TMPDIR/small" s3://src/small
	s3cmd -q -c "$S3CFG" put "$BATS_FILE_TMPDIR/big" s3://src/big
	cluster_up 1 1 1 -- --s3-endpoint "http://127.0.0.1:$S3_PORT"
	ais-ctl bucket create ais://b >/dev/null
}

teardown_file() {
	load helpers/common
	use_cluster
	cluster_down
	stop_peers
	umount "$CLUSTER/t1/mp1" 2>/dev/null || true
}

setup() {
	load helpers/common
	use_cluster
}

@test "disk full: a cold GET of an object bigger than the free space is 507 with a message, nothing is left, and a small object still caches" {
	run curl -sS -L -o "$BATS_TEST_TMPDIR/out" -w '%{http_code}' \
	    "$AIS_ENDPOINT/v1/objects/src/big?provider=aws"
	assert_output 507
	run jq -r .message "$BATS_TEST_TMPDIR/out"
	assert_output --partial "no space"
	[ -z "$(work_files)" ]
	run ais-ctl object ls --cached s3://src
	refute_output --partial big
	curl -fsS -L "$AIS_ENDPOINT/v1/objects/src/small?provider=aws" |
	    cmp - "$BATS_FILE_TMPDIR/small"
	run curl -fsSI -L "$AIS_ENDPOINT/v1/objects/src/small?provider=aws"
	assert_output --partial "Ais-Present: true"
}

@test "disk full: a PUT bigger than the free space is 507 and the object it would replace is unchanged" {
	ais-ctl object put "$BATS_FILE_TMPDIR/small" ais://b/o
	run curl -sS -L -T "$BATS_FILE_TMPDIR/big" -o "$BATS_TEST_TMPDIR/out" \
	    -w '%{http_code}' "$AIS_ENDPOINT/v1/objects/b/o"
	assert_output 507
	run jq -r .message "$BATS_TEST_TMPDIR/out"
	assert_output --partial "space"
	[ -z "$(work_files)" ]
	ais-get ais://b/o | cmp - "$BATS_FILE_TMPDIR/small"
}
