#!/usr/bin/env bats
# ais-target: the data path and every kind of bad input, straight at a
# target and through the proxy.

setup_file() {
	load helpers/common
	export CLUSTER=$BATS_FILE_TMPDIR/cluster
	cluster_up 1 2 1 -- --idle-timeout 1500 --io-timeout 1500
	ais-ctl bucket create ais://b >/dev/null
}

teardown_file() {
	load helpers/common
	use_cluster
	cluster_down
}

setup() {
	load helpers/common
	use_cluster
	T1=$(target_url t1)
}

# raw REQUEST: sends bytes to target t1 and prints the status line.
raw() {
	/usr/bin/python3 - "$(node_field t1 port)" "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(sys.argv[2].encode("latin-1").decode("unicode_escape").encode("latin-1"))
data = b""
try:
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
except socket.timeout:
    pass
print(data.split(b"\r\n")[0].decode())
PY
}

@test "PUT, GET, HEAD and DELETE directly on a target" {
	gen_file "$BATS_TEST_TMPDIR/f" 100000 1
	run curl -fsS -X PUT --data-binary @"$BATS_TEST_TMPDIR/f" "$T1/v1/objects/b/d/f"
	assert_success
	curl -fsS "$T1/v1/objects/b/d/f" | cmp - "$BATS_TEST_TMPDIR/f"
	run curl -fsSI "$T1/v1/objects/b/d/f"
	assert_output --partial "Content-Length: 100000"
	assert_output --partial "Ais-Checksum-Type: xxhash"
	run curl -fsS -X DELETE "$T1/v1/objects/b/d/f"
	assert_success
	run curl -sS -o /dev/null -w '%{http_code}' "$T1/v1/objects/b/d/f"
	assert_output 404
}

@test "Range GET answers 206 with Content-Range, 416 when unsatisfiable" {
	printf '0123456789' >"$BATS_TEST_TMPDIR/ten"
	curl -fsS -L -T "$BATS_TEST_TMPDIR/ten" "$AIS_ENDPOINT/v1/objects/b/ten"
	run curl -sS -L -H 'Range: bytes=2-5' -D - "$AIS_ENDPOINT/v1/objects/b/ten"
	assert_output --partial "206 Partial Content"
	assert_output --partial "Content-Range: bytes 2-5/10"
	assert_line --index 0 --partial "301"
	[[ "$output" == *2345 ]]
	run curl -sS -L -H 'Range: bytes=-3' "$AIS_ENDPOINT/v1/objects/b/ten"
	assert_output 789
	run curl -sS -L -H 'Range: bytes=10-' -o /dev/null -w '%{http_code}' "$AIS_ENDPOINT/v1/objects/b/ten"
	assert_output 416
}

@test "checksums: xxhash by default, md5 and sha256 buckets match md5sum and sha256sum" {
	gen_file "$BATS_TEST_TMPDIR/f" 300000 2
	ais-ctl bucket create ais://m5 --checksum md5
	ais-ctl bucket create ais://s256 --checksum sha256
	for b in m5 s256; do
		ais-ctl object put "$BATS_TEST_TMPDIR/f" ais://$b/f
	done
	run curl -fsSI -L "$AIS_ENDPOINT/v1/objects/m5/f"
	assert_output --partial "Ais-Checksum-Value: $(md5sum <"$BATS_TEST_TMPDIR/f" | cut -d' ' -f1)"
	run curl -fsSI -L "$AIS_ENDPOINT/v1/objects/s256/f"
	assert_output --partial "Ais-Checksum-Value: $(sha256sum <"$BATS_TEST_TMPDIR/f" | cut -d' ' -f1)"
}

@test "a PUT with a wrong Ais-Checksum-Value is refused with 422 and stores nothing" {
	gen_file "$BATS_TEST_TMPDIR/f" 5000 3
	run curl -sS -L -T "$BATS_TEST_TMPDIR/f" -H 'Ais-Checksum-Type: md5' \
	    -H 'Ais-Checksum-Value: 00000000000000000000000000000000' \
	    -w '%{http_code}' -o /dev/null "$AIS_ENDPOINT/v1/objects/b/bad-cksum"
	assert_output 422
	run curl -sS -L -o /dev/null -w '%{http_code}' "$AIS_ENDPOINT/v1/objects/b/bad-cksum"
	assert_output 404
	good=$(md5sum <"$BATS_TEST_TMPDIR/f" | cut -d' ' -f1)
	run curl -sS -L -T "$BATS_TEST_TMPDIR/f" -H 'Ais-Checksum-Type: md5' \
	    -H "Ais-Checksum-Value: $good" -w '%{http_code}' -o /dev/null \
	    "$AIS_ENDPOINT/v1/objects/b/good-cksum"
	assert_output 200
}

@test "custom metadata and versions round-trip" {
	echo v1 | curl -fsS -L -T - -H 'Ais-Custom-Md: team=vision, split=train' "$AIS_ENDPOINT/v1/objects/b/md"
	echo v2 | curl -fsS -L -T - "$AIS_ENDPOINT/v1/objects/b/md"
	run curl -fsSI -L "$AIS_ENDPOINT/v1/objects/b/md"
	assert_output --partial "Ais-Version: 2"
	echo v3 | curl -fsS -L -T - -H 'Ais-Custom-Md: team=vision' "$AIS_ENDPOINT/v1/objects/b/md"
	run curl -fsSI -L "$AIS_ENDPOINT/v1/objects/b/md"
	assert_output --partial "Ais-Custom-Md: team=vision"
	assert_output --partial "Ais-Version: 3"
}

@test "malformed request line is answered 400" {
	run raw 'GARBAGE\r\n\r\n'
	assert_output --partial " 400 "
	run raw 'GET /v1/health HTTP/1.1 extra\r\n\r\n'
	assert_output --partial " 400 "
	run raw 'GET /v1/health HTTP/1.1\r\nBad Header: x\r\n\r\n'
	assert_output --partial " 400 "
	run raw 'GET /v1/health HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n'
	assert_output --partial " 400 "
	run raw 'GET /v1/health HTTP/2.0\r\n\r\n'
	assert_output --partial " 505 "
}

@test "request headers over the limit are answered 431" {
	long=$(head -c 20000 /dev/zero | tr '\0' a)
	run raw "GET /v1/health HTTP/1.1\\r\\nX-Long: $long\\r\\n\\r\\n"
	assert_output --partial " 431 "
}

@test "unknown bucket is 404 with a JSON error, on the proxy and the target" {
	run curl -sS "$AIS_ENDPOINT/v1/objects/nosuch/x"
	[ "$(echo "$output" | jq -r .status)" = 404 ]
	assert_output --partial "does not exist"
	run curl -sS "$T1/v1/objects/nosuch/x"
	[ "$(echo "$output" | jq -r .status)" = 404 ]
}

@test "object names with .. segments, NUL or over 1024 bytes are 400 and nothing lands outside the bucket" {
	for name in '..%2F..%2Fescape' 'a/../../escape' '%2e%2e/escape' 'a%00b' 'a//b' './x'; do
		run curl -sS --path-as-is -X PUT -d x -o /dev/null -w '%{http_code}' "$T1/v1/objects/b/$name"
		echo "$name -> $output"
		assert_output 400
	done
	long=$(head -c 1100 /dev/zero | tr '\0' a)
	run curl -sS -X PUT -d x -o /dev/null -w '%{http_code}' "$T1/v1/objects/b/$long"
	assert_output 400
	[ -z "$(find "$AIS_CLUSTER_DIR" -name 'escape*')" ]
}

@test "a PUT cut short by a client disconnect leaves nothing visible and no work file" {
	/usr/bin/python3 - "$(node_field t1 port)" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"PUT /v1/objects/b/cut HTTP/1.1\r\nHost: x\r\n"
          b"Content-Length: 1000000\r\n\r\n" + b"x" * 1000)
time.sleep(0.2)
s.close()
PY
	sleep 0.2
	run curl -sS -o /dev/null -w '%{http_code}' "$T1/v1/objects/b/cut"
	assert_output 404
	[ -z "$(work_files)" ]
}

@test "an idle keep-alive connection and a stalled request are closed after the timeout" {
	run /usr/bin/python3 - "$(node_field t1 port)" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
idle = socket.create_connection(("127.0.0.1", port))
stalled = socket.create_connection(("127.0.0.1", port))
stalled.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")  # never ends
t0 = time.time()
for s in (idle, stalled):
    s.settimeout(10)
    assert s.recv(1) == b"", "connection not closed"
print("closed after %.1f s" % (time.time() - t0))
PY
	assert_success
	assert_output --partial "closed after"
}

@test "objects survive a target restart" {
	gen_file "$BATS_TEST_TMPDIR/f" 70000 4
	ais-ctl object put "$BATS_TEST_TMPDIR/f" ais://b/survivor
	owner=$(curl -sS -o /dev/null -w '%{redirect_url}' "$AIS_ENDPOINT/v1/objects/b/survivor")
	for t in t1 t2; do
		[[ "$owner" == "$(target_url $t)"* ]] && node=$t
	done
	ais-ctl node kill "$node"
	ais-ctl node start "$node"
	wait_for 20 has_targets 2
	ais-get ais://b/survivor | cmp - "$BATS_TEST_TMPDIR/f"
}

@test "the target's threads are named by role, as ps -L and top -H show them" {
	pid=$(node_field t1 pid)
	run ps -L -o comm= -p "$pid"
	[ "$status" -eq 0 ]
	for name in http0 fill0 cold0 spares member ctl0; do
		grep -qx "$name" <<<"$output" || { echo "no thread $name in: $output"; false; }
	done
}
