#!/usr/bin/env bats
# Daemon operations: options, config files, -n, -h, SIGTERM.

setup() {
	load helpers/common
}

@test "-h lists every option with its default" {
	for d in ais-proxy ais-target; do
		run $d -h
		assert_success
		assert_output --partial "usage: $d"
		assert_output --partial "--idle-timeout MS"
		assert_output --partial "(default: 60000)"
		assert_output --partial "--config FILE"
	done
	run ais-target -h
	assert_output --partial "--mountpath DIR"
}

@test "-n checks a config file; a bad key is named with its file and line" {
	cat >"$BATS_TEST_TMPDIR/t.conf" <<-EOF
	# a target
	mountpath = $BATS_TEST_TMPDIR/mp1, $BATS_TEST_TMPDIR/mp2
	port = 18999   # HTTP
	EOF
	run ais-target -n -f "$BATS_TEST_TMPDIR/t.conf"
	assert_success
	assert_output "configuration OK"
	echo "no-such-key = 1" >>"$BATS_TEST_TMPDIR/t.conf"
	run ais-target -n -f "$BATS_TEST_TMPDIR/t.conf"
	assert_failure 64
	assert_output --partial "t.conf:4: unknown key 'no-such-key'"
	run ais-proxy -n --port 99999
	assert_failure 64
	assert_output --partial "--port 99999"
	run ais-target -n
	assert_failure 64
	assert_output --partial "mountpath"
}

@test "settings come from the config file, and the command line overrides them" {
	{ read -r port; read -r cport; } < <(free_port 2)
	cat >"$BATS_TEST_TMPDIR/p.conf" <<-EOF
	port = 1
	control-port = $cport
	dir = $BATS_TEST_TMPDIR/state
	id = fromfile
	EOF
	ais-proxy -d -f "$BATS_TEST_TMPDIR/p.conf" --port "$port" \
	    >"$BATS_TEST_TMPDIR/log" 2>&1 &
	pid=$!
	wait_for 20 curl -fsS "http://127.0.0.1:$port/v1/health" >/dev/null
	run curl -fsS "http://127.0.0.1:$port/v1/health"
	assert_output --partial '"id":"fromfile"'
	[ "$(cat "$BATS_TEST_TMPDIR/state/node-id")" = fromfile ]
	kill -TERM $pid
	wait $pid
	grep -q "PRX-STOP" "$BATS_TEST_TMPDIR/log"
}

@test "a target refuses to start on a port in use, with a clear error" {
	port=$(free_port)
	/usr/bin/python3 -c "import socket,time; s=socket.socket(); s.bind(('127.0.0.1',$port)); s.listen(); time.sleep(5)" &
	sleep 0.3
	run ais-target -d -m "$BATS_TEST_TMPDIR/mp" --port "$port" --control-port 0
	assert_failure 69
	assert_output --partial "TGT-START-FAIL"
	assert_output --partial "Address already in use"
	kill %1 2>/dev/null || true
}

@test "a target whose primary is down answers 503 with Retry-After, not a false 404" {
	port=$(free_port)
	ais-target -d -m "$BATS_TEST_TMPDIR/mp" --port "$port" --control-port 0 \
	    --primary "tcp://127.0.0.1:$(free_port)" >"$BATS_TEST_TMPDIR/log" 2>&1 &
	pid=$!
	wait_for 20 curl -sS -o /dev/null "http://127.0.0.1:$port/v1/health"
	run curl -sS -w ' %{http_code}' "http://127.0.0.1:$port/v1/health"
	assert_output --partial '"status":"joining"'
	assert_output --partial ' 503'
	run curl -sS -D - -o /dev/null "http://127.0.0.1:$port/v1/objects/b/o"
	assert_output --partial '503'
	assert_output --partial 'Retry-After: 1'
	kill -TERM $pid
	wait $pid
}
