#!/usr/bin/env bats
# ais-get: reading objects into pipelines.

setup_file() {
	load helpers/common
	export CLUSTER=$BATS_FILE_TMPDIR/cluster
	cluster_up 1 2 1
	ais-ctl bucket create ais://g >/dev/null
	gen_file "$BATS_FILE_TMPDIR/f" 1000000 7
	ais-ctl object put "$BATS_FILE_TMPDIR/f" ais://g/f >/dev/null
	echo second | ais-ctl object put - ais://g/s >/dev/null
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

@test "ais-get writes objects to stdout in order" {
	run sh -c "ais-get ais://g/s ais://g/s"
	assert_success
	assert_output "second
second"
	ais-get ais://g/f | cmp - "$BATS_FILE_TMPDIR/f"
}

@test "ais-get -o FILE and -O DIR" {
	ais-get -o "$BATS_TEST_TMPDIR/out" ais://g/f
	cmp "$BATS_TEST_TMPDIR/out" "$BATS_FILE_TMPDIR/f"
	ais-get -O "$BATS_TEST_TMPDIR/d" ais://g/f ais://g/s
	cmp "$BATS_TEST_TMPDIR/d/f" "$BATS_FILE_TMPDIR/f"
	run ais-get -o x ais://g/f ais://g/s
	assert_failure 64
}

@test "ais-get --range reads a byte range" {
	run ais-get --range 0-5 ais://g/s
	assert_output "second"
	ais-get --range 1000-1999 ais://g/f | cmp - <(tail -c +1001 "$BATS_FILE_TMPDIR/f" | head -c 1000)
}

@test "ais-get --verify recomputes the checksum" {
	run ais-get --verify -o "$BATS_TEST_TMPDIR/v" ais://g/f
	assert_success
}

@test "ais-get --verify fails on an object whose bytes rotted on disk" {
	echo original | ais-ctl object put - ais://g/rot
	f=$(find "$AIS_CLUSTER_DIR" -path '*%ob/rot' -type f)
	# flip the content behind the cluster's back, keeping the metadata
	printf 'ORIGINAL\n' | dd of="$f" conv=notrunc status=none
	run ais-get --verify ais://g/rot
	assert_failure 65
	assert_output --partial "checksum mismatch"
}

@test "ais-get names a missing object on stderr and exits 66" {
	run ais-get ais://g/nope
	assert_failure 66
	assert_output "ais-get: ais://g/nope: not found"
	run ais-get ais://g/s ais://g/nope
	assert_failure 66
}

@test "ais-get reports an unreachable cluster with exit 69" {
	AIS_ENDPOINT=http://127.0.0.1:1 run ais-get ais://g/s
	assert_failure 69
}

@test "ais-get -h lists its options and bad usage exits 64" {
	run ais-get -h
	assert_success
	assert_output --partial "--verify"
	run ais-get --bogus ais://g/s
	assert_failure 64
	run ais-get
	assert_failure 64
	run ais-get 'ais://g'
	assert_failure
}
