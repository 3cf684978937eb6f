#!/usr/bin/env bats
# ais-proxy: redirects by HRW, buckets, listings, the cluster map, and a
# second proxy that joins as non-primary.

setup_file() {
	load helpers/common
	export CLUSTER=$BATS_FILE_TMPDIR/cluster
	cluster_up 2 3 1
	ais-ctl bucket create ais://pb >/dev/null
	for i in $(seq -w 1 25); do
		echo "object $i" | ais-ctl object put - ais://pb/dir/o$i >/dev/null
	done
}

teardown_file() {
	load helpers/common
	use_cluster
	cluster_down
}

setup() {
	load helpers/common
	use_cluster
	P2=http://127.0.0.1:$(node_field p2 port)
}

@test "GET is redirected with 301, PUT HEAD and DELETE with 307, to the HRW owner" {
	run curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "$AIS_ENDPOINT/v1/objects/pb/dir/o01?x=1"
	[[ "$output" == "301 http://127.0.0.1:"*"/v1/objects/pb/dir/o01?x=1" ]]
	for m in PUT HEAD DELETE; do
		run curl -sS -X $m -o /dev/null -w '%{http_code}' "$AIS_ENDPOINT/v1/objects/pb/dir/o01"
		assert_output 307
	done
}

@test "the owner is the one of AIStore's HRW: the redirect names the target holding the file" {
	loc=$(curl -sS -o /dev/null -w '%{redirect_url}' "$AIS_ENDPOINT/v1/objects/pb/dir/o07")
	for t in t1 t2 t3; do
		if [[ "$loc" == "$(target_url $t)/"* ]]; then
			[ -f "$AIS_CLUSTER_DIR/$t/mp1/@ais/pb/%ob/dir/o07" ]
			return 0
		fi
	done
	false
}

@test "a second, non-primary proxy redirects every object to the same place" {
	run curl -fsS "$P2/v1/health"
	assert_output --partial '"primary":false'
	for i in 01 05 10 15 20 25; do
		a=$(curl -sS -o /dev/null -w '%{redirect_url}' "$AIS_ENDPOINT/v1/objects/pb/dir/o$i")
		b=$(curl -sS -o /dev/null -w '%{redirect_url}' "$P2/v1/objects/pb/dir/o$i")
		[ "$a" = "$b" ]
	done
}

@test "a bucket created through the non-primary proxy is known everywhere at once" {
	run curl -fsS -X POST -d '{"action":"create-bck"}' "$P2/v1/buckets/viap2"
	assert_success
	echo hi | curl -fsS -L -T - "$AIS_ENDPOINT/v1/objects/viap2/x"
	run curl -fsS -L "$P2/v1/objects/viap2/x"
	assert_output hi
	run curl -sS -X POST -d '{"action":"create-bck"}' -o /dev/null -w '%{http_code}' "$AIS_ENDPOINT/v1/buckets/viap2"
	assert_output 409
}

@test "listing is sorted, paginated with a continuation token, and filtered by prefix" {
	page=$(curl -fsS "$AIS_ENDPOINT/v1/buckets/pb?pagesize=10")
	[ "$(echo "$page" | jq '.entries | length')" -eq 10 ]
	[ "$(echo "$page" | jq -r '.entries[0].name')" = dir/o01 ]
	token=$(echo "$page" | jq -r .continuation_token)
	[ "$token" = dir/o10 ]
	page=$(curl -fsS "$AIS_ENDPOINT/v1/buckets/pb" -X GET \
	    -d "{\"action\":\"list\",\"value\":{\"pagesize\":10,\"continuation_token\":\"$token\"}}")
	[ "$(echo "$page" | jq -r '.entries[0].name')" = dir/o11 ]
	page=$(curl -fsS "$AIS_ENDPOINT/v1/buckets/pb?pagesize=10&continuation_token=dir/o20")
	[ "$(echo "$page" | jq '.entries | length')" -eq 5 ]
	[ "$(echo "$page" | jq -r .continuation_token)" = "" ]
	run ais-ctl object ls ais://pb --prefix dir/o1 --json
	[ "$(echo "$output" | jq length)" -eq 10 ]
	names=$(ais-ctl object ls ais://pb --page-size 3 --json | jq -r '.[].name')
	[ "$names" = "$(echo "$names" | sort)" ]
	[ "$(echo "$names" | wc -l)" -eq 25 ]
}

@test "health, and the cluster map as JSON" {
	run curl -fsS "$AIS_ENDPOINT/v1/health"
	assert_output --partial '"status":"ok"'
	smap=$(curl -fsS "$AIS_ENDPOINT/v1/cluster?what=smap")
	[ "$(echo "$smap" | jq '.targets | length')" -eq 3 ]
	[ "$(echo "$smap" | jq '.proxies | length')" -eq 2 ]
	[ "$(echo "$smap" | jq -r .primary)" = p1 ]
	[ "$(echo "$smap" | jq '.version')" -ge 1 ]
}

@test "bucket create while a target is frozen (SIGSTOP): refused naming the node, no half-made bucket" {
	pid=$(node_field t2 pid)
	kill -STOP "$pid"
	run ais-ctl bucket create ais://frozen
	kill -CONT "$pid"
	assert_failure 69
	assert_output --partial "not created"
	assert_output --partial "node t2"
	run ais-ctl bucket ls
	refute_output --partial frozen
	# once the target is back the same create goes through, and the
	# target that was frozen takes PUTs into the bucket
	wait_for 20 has_targets 3
	run ais-ctl bucket create ais://frozen
	assert_success
	for i in $(seq 1 30); do echo "o$i" | ais-ctl object put - ais://frozen/o$i; done
	[ -n "$(find "$AIS_CLUSTER_DIR/t2" -path '*@ais/frozen/%ob/*' -type f)" ]
}

@test "bucket destroy removes the data on every target" {
	ais-ctl bucket create ais://gone
	for i in 1 2 3 4 5 6; do echo $i | ais-ctl object put - ais://gone/o$i; done
	[ -n "$(find "$AIS_CLUSTER_DIR" -path '*@ais/gone/%ob/*' -type f)" ]
	run ais-ctl bucket rm ais://gone
	assert_success
	[ -z "$(find "$AIS_CLUSTER_DIR" -path '*@ais/gone*' -type f)" ]
	run curl -sS -o /dev/null -w '%{http_code}' "$AIS_ENDPOINT/v1/objects/gone/o1"
	assert_output 404
	run ais-ctl bucket rm ais://gone
	assert_failure 66
}

@test "node ids and the bucket table survive a restart of the primary" {
	ais-ctl node kill p1
	ais-ctl node start p1
	wait_for 20 has_targets 3
	run curl -fsS "$AIS_ENDPOINT/v1/cluster?what=smap"
	[ "$(echo "$output" | jq -r '[.targets[].id] | sort | join(",")')" = "t1,t2,t3" ]
	run curl -fsS -L "$AIS_ENDPOINT/v1/objects/pb/dir/o03"
	assert_output "object 03"
}
