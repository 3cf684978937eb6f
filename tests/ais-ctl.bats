#!/usr/bin/env bats
# ais-ctl: cluster, bucket and object administration.

setup_file() {
	load helpers/common
	export CLUSTER=$BATS_FILE_TMPDIR/cluster
	cluster_up 1 2 1
}

teardown_file() {
	load helpers/common
	use_cluster
	cluster_down
}

setup() {
	load helpers/common
	use_cluster
}

@test "cluster show is a table of every node, --json parses" {
	run ais-ctl cluster show
	assert_success
	assert_line --index 0 --regexp '^ROLE +ID +URL +STATE +OBJECTS +USED$'
	assert_output --partial "p1*"
	[ "$(echo "$output" | grep -c online)" -eq 3 ]
	run ais-ctl cluster show --json
	[ "$(echo "$output" | jq '.nodes | length')" -eq 3 ]
}

@test "bucket create, ls and rm, with prefixes of the words" {
	run ais-ctl b c ais://one ais://two
	assert_success
	run ais-ctl bucket ls --json
	[ "$(echo "$output" | jq -r '[.[].name] | sort | join(",")')" = "one,two" ]
	run ais-ctl bucket ls
	assert_output --partial "ais://one"
	run ais-ctl bucket create ais://one
	assert_failure
	assert_output --partial "already exists"
	run ais-ctl bucket rm ais://two
	assert_success
	run ais-ctl bucket create 'ais://bad/name'
	assert_failure 64
}

@test "object put from a file and from stdin, get, head, ls and rm" {
	gen_file "$BATS_TEST_TMPDIR/f" 123456 9
	ais-ctl bucket create ais://objs
	ais-ctl object put "$BATS_TEST_TMPDIR/f" ais://objs/a/file
	head -c 300000 "$BATS_TEST_TMPDIR/f" | ais-ctl object put - ais://objs/a/stdin
	ais-ctl object get ais://objs/a/file "$BATS_TEST_TMPDIR/back"
	cmp "$BATS_TEST_TMPDIR/back" "$BATS_TEST_TMPDIR/f"
	ais-ctl object get ais://objs/a/stdin - | cmp - "$BATS_TEST_TMPDIR/f"
	run ais-ctl object head --json ais://objs/a/file
	[ "$(echo "$output" | jq .size)" -eq 123456 ]
	[ "$(echo "$output" | jq -r .checksum_type)" = xxhash ]
	run ais-ctl object ls ais://objs
	assert_line --index 0 --regexp '^NAME +SIZE +CHECKSUM +VERSION$'
	assert_output --partial "a/stdin"
	run ais-ctl object rm ais://objs/a/file ais://objs/a/stdin
	assert_success
	run ais-ctl object ls ais://objs --json
	assert_output "[]"
}

@test "errors name the object, exit codes follow sysexits" {
	ais-ctl bucket create ais://errs
	run ais-ctl object get ais://errs/missing
	assert_failure 66
	assert_output --partial "ais-ctl: ais://errs/missing: not found"
	run ais-ctl object put /nonexistent ais://errs/x
	assert_failure 66
	run ais-ctl object ls ais://nosuchbucket
	assert_failure 66
	run ais-ctl frobnicate
	assert_failure 64
	assert_output --partial "valid: cluster node bucket object"
	run ais-ctl bucket frob
	assert_failure 64
	assert_output --partial "valid: create ls rm"
	AIS_ENDPOINT=http://127.0.0.1:1 run ais-ctl bucket ls
	assert_failure 69
}

@test "cluster up refuses a folder whose cluster runs; down then up restarts it" {
	run ais-ctl cluster up
	assert_failure 69
	assert_output --partial "already running"
}
