#!/usr/bin/env bats
# A 1-proxy 3-target cluster under load, crashes and restarts.

setup_file() {
	load helpers/common
	export CLUSTER=$BATS_FILE_TMPDIR/cluster
	cluster_up 1 3 2
	ais-ctl bucket create ais://load >/dev/null
	mkdir -p "$BATS_FILE_TMPDIR/src"
	# 1000 objects of random sizes, 0 B to 4 MiB, from a fixed seed
	/usr/bin/python3 - "$BATS_FILE_TMPDIR/src" <<'PY'
import os, random, sys
r = random.Random(1103515245)
for i in range(1000):
    size = r.choice([0, r.randint(1, 4096), r.randint(1, 4 << 20)])
    with open(os.path.join(sys.argv[1], "obj-%04d" % i), "wb") as f:
        f.write(r.randbytes(size))
PY
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

put_all() {
	cd "$BATS_FILE_TMPDIR/src" && ls | xargs -P 8 -I{} \
	    curl -fsS -L -T {} -o /dev/null "$AIS_ENDPOINT/v1/objects/load/{}"
}

get_all_identical() {
	local dst=$BATS_FILE_TMPDIR/dst
	rm -rf "$dst" && mkdir -p "$dst"
	cd "$BATS_FILE_TMPDIR/src" && ls | xargs -P 8 -I{} \
	    curl -fsS -L -o "$dst/{}" "$AIS_ENDPOINT/v1/objects/load/{}" &&
	    diff -r "$BATS_FILE_TMPDIR/src" "$dst"
}

@test "1000 objects of 0 B to 4 MiB put through the proxy read back byte-identical" {
	run put_all
	assert_success
	run get_all_identical
	assert_success
	run ais-ctl object ls ais://load --json
	assert_success
	[ "$(echo "$output" | jq length)" -eq 1000 ]
}

@test "objects spread over the 3 targets within 15% of even" {
	run ais-ctl cluster show --json
	assert_success
	counts=$(echo "$output" | jq '[.nodes[] | select(.role=="target") | .objects] | .[]')
	for c in $counts; do
		echo "target holds $c objects"
		[ "$c" -ge 283 ] && [ "$c" -le 383 ]
	done
	[ "$(echo "$counts" | awk "{s+=\$1} END {print s}")" -eq 1000 ]
}

@test "every object sits on the target and mountpath HRW picks, none misplaced" {
	for t in t1 t2 t3; do
		n=$(find "$AIS_CLUSTER_DIR/$t" -path '*%ob*' -type f | wc -l)
		url=$(target_url $t)
		# a target serves each of its files itself: the proxy agrees
		for f in $(find "$AIS_CLUSTER_DIR/$t" -path '*%ob*' -type f | head -20); do
			name=${f##*%ob/}
			loc=$(curl -sS -o /dev/null -w '%{redirect_url}' "$AIS_ENDPOINT/v1/objects/load/$name")
			[ "$loc" = "$url/v1/objects/load/$name" ]
		done
		[ "$n" -gt 0 ]
	done
}

@test "kill -9 of a target during 50 concurrent PUTs: acknowledged PUTs read back intact, nothing partial, no work file after restart" {
	ais-ctl bucket create ais://crash
	big=$BATS_FILE_TMPDIR/big
	gen_file "$big" $((4 << 20)) crash
	mkdir -p "$BATS_FILE_TMPDIR/acks"
	# 2 s a PUT: the kill lands mid-transfer even if it is slow to come
	for i in $(seq 1 50); do
		( curl -fsS -L -T "$big" -o /dev/null --limit-rate 2M \
		    "$AIS_ENDPOINT/v1/objects/crash/o$i" &&
		    touch "$BATS_FILE_TMPDIR/acks/o$i" ) 2>/dev/null &
	done
	sleep 0.3
	ais-ctl node kill t2
	wait
	ais-ctl node start t2
	wait_for 20 has_targets 3
	acked=$(ls "$BATS_FILE_TMPDIR/acks" | wc -l)
	echo "acknowledged: $acked of 50"
	[ "$acked" -gt 0 ]
	[ "$acked" -lt 50 ]
	for o in $(ls "$BATS_FILE_TMPDIR/acks"); do
		curl -fsS -L "$AIS_ENDPOINT/v1/objects/crash/$o" | cmp - "$big"
	done
	# what the killed target did not acknowledge is absent, not partial
	for i in $(seq 1 50); do
		[ -e "$BATS_FILE_TMPDIR/acks/o$i" ] && continue
		code=$(curl -sS -L -o "$BATS_FILE_TMPDIR/partial" -w '%{http_code}' \
		    "$AIS_ENDPOINT/v1/objects/crash/o$i")
		[ "$code" = 404 ] || cmp "$BATS_FILE_TMPDIR/partial" "$big"
	done
	[ -z "$(work_files)" ]
}

@test "a whole-cluster restart keeps every object" {
	ais-ctl cluster down
	run ais-ctl cluster up
	assert_success
	. "$AIS_CLUSTER_DIR/env"
	wait_for 20 has_targets 3
	run get_all_identical
	assert_success
}
