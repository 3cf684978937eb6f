#!/usr/bin/env bats
# --fsync: an object becomes visible only after its bytes and metadata are
# on disk, whether a PUT wrote it or a cold GET fetched it.  strace, on the
# running target, shows the order of the calls.

setup_file() {
	load helpers/common
	export CLUSTER=$BATS_FILE_TMPDIR/cluster
	start_s3rver
	gen_file "$BATS_FILE_TMPDIR/obj" 3000000 fsync-obj
	s3cmd -q -c "$S3CFG" put "$BATS_FILE_TMPDIR/obj" s3://src/cold-obj
	cluster_up 1 1 1 -- --s3-endpoint "http://127.0.0.1:$S3_PORT"
	# the options after -- go to every node, and --fsync is a target's
	restart_target_with t1 --fsync
	ais-ctl bucket create ais://b >/dev/null
}

# restart_target_with ID OPTION...: target ID again, with more options.
restart_target_with() {
	local id=$1 pid args=() json=$AIS_CLUSTER_DIR/cluster.json
	shift
	mapfile -t args < <(jq -r --arg id "$id" \
	    '.nodes[] | select(.id == $id) | .args[]' "$json")
	pid=$(node_field "$id" pid)
	kill "$pid"
	wait_for 10 test ! -d "/proc/$pid"
	"${args[@]}" "$@" >>"$AIS_CLUSTER_DIR/$id/log" 2>&1 3>&- &
	jq --arg id "$id" --argjson pid $! \
	    '(.nodes[] | select(.id == $id) | .pid) = $pid' "$json" >"$json.new"
	mv "$json.new" "$json"
	wait_for 20 curl -fsS -o /dev/null \
	    "http://127.0.0.1:$(node_field "$id" port)/v1/health"
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

# traced CMD...: runs CMD with strace on target t1; the trace is in $TRACE.
traced() {
	TRACE=$BATS_TEST_TMPDIR/trace
	strace -f -qq -e trace=fsync,rename,linkat -o "$TRACE" -p "$(node_field t1 pid)" &
	local st=$!
	wait_for 10 grep -q TracerPid:.[1-9] "/proc/$(node_field t1 pid)/status"
	"$@"
	sleep 0.3		# the store may end after the client's last byte
	kill "$st"
	wait "$st" || true
}

# fsync_before_named NAME: an fsync comes before the object NAME is renamed
# or (an unnamed work file) linked into place.
fsync_before_named() {
	local f r
	f=$(grep -n 'fsync(' "$TRACE" | head -1 | cut -d: -f1)
	r=$(grep -n -E "(rename|linkat)\(.*%ob/$1\"" "$TRACE" | head -1 | cut -d: -f1)
	[ -n "$f" ] && [ -n "$r" ] && [ "$f" -lt "$r" ]
}

@test "--fsync: a cold GET's object is fsynced before it is linked into place" {
	traced curl -fsS -L -o "$BATS_TEST_TMPDIR/out" \
	    "$AIS_ENDPOINT/v1/objects/src/cold-obj?provider=aws"
	cmp "$BATS_TEST_TMPDIR/out" "$BATS_FILE_TMPDIR/obj"
	fsync_before_named cold-obj
	run curl -fsSI -L "$AIS_ENDPOINT/v1/objects/src/cold-obj?provider=aws"
	assert_output --partial "Ais-Present: true"
}

@test "--fsync: a PUT is fsynced before it is renamed into place" {
	traced ais-ctl object put "$BATS_FILE_TMPDIR/obj" ais://b/put-obj
	fsync_before_named put-obj
	ais-get ais://b/put-obj | cmp - "$BATS_FILE_TMPDIR/obj"
}
