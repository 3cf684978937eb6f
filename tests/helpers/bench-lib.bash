# What the benchmark scripts share: a work folder removed at exit with the
# cluster, nginx and s3rver started in it, free ports, medians, s3rver.
# Sourced by tests/helpers/bench-*.sh from the top of the tree.

bin=$PWD/bin

# bench_setup NAME: $work, $AIS_CLUSTER_DIR, and the cleanup at exit.
bench_setup() {
	work=$(mktemp -d "/tmp/ais-$1.XXXXXX")
	chmod 755 "$work"		# nginx workers read files in it
	export AIS_CLUSTER_DIR=$work/cluster
	trap bench_cleanup EXIT
}

bench_cleanup() {
	"$bin/ais-ctl" cluster down >/dev/null 2>&1 || true
	[ -f "$work/nginx/nginx.pid" ] &&
	    kill -QUIT "$(cat "$work/nginx/nginx.pid")" 2>/dev/null
	[ -f "$work/nginx-cache/nginx.pid" ] &&
	    kill -QUIT "$(cat "$work/nginx-cache/nginx.pid")" 2>/dev/null
	[ -f "$work/s3rver.pid" ] && kill "$(cat "$work/s3rver.pid")" 2>/dev/null
	sleep 0.3
	rm -rf "$work"
}

# start_nginx DIR...: nginx with sendfile, 2 workers, serving DIR; with
# several, a path is looked up in each in turn.  Sets $ngport, and
# $ngredirport: a port where nginx answers every GET with a redirect (301)
# to the same path on $ngport, as a proxy redirects to a target.
start_nginx() {
	local serve="root $1;" d
	if [ $# -gt 1 ]; then
		serve="root /; location / { try_files"
		for d in "$@"; do serve="$serve $d\$uri"; done
		serve="$serve =404; }"
	fi
	read -r ngport ngredirport < <(free_port 2 | xargs)
	mkdir -p "$work/nginx"
	cat >"$work/nginx/nginx.conf" <<-NGX
	worker_processes 2;
	pid $work/nginx/nginx.pid;
	error_log $work/nginx/error.log;
	events { worker_connections 4096; }
	http {
		access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;
		client_body_temp_path $work/nginx/b; proxy_temp_path $work/nginx/p;
		fastcgi_temp_path $work/nginx/f; uwsgi_temp_path $work/nginx/u;
		scgi_temp_path $work/nginx/s;
		server { listen 127.0.0.1:$ngport; $serve }
		server {
			listen 127.0.0.1:$ngredirport;
			location / { return 301 http://127.0.0.1:$ngport\$request_uri; }
		}
	}
	NGX
	nginx -c "$work/nginx/nginx.conf" -p "$work/nginx"
}

# start_nginx_cache URL STORE: nginx as a cache in front of the S3
# endpoint URL, 2 workers: a GET it has in STORE it sends with sendfile,
# one it lacks it fetches from URL and sends while it stores it there
# (proxy_store: a temporary file renamed into place), as a target does.
# Its GETs are unsigned, which s3rver takes.  Sets $ngcport.
start_nginx_cache() {
	local conf=$work/nginx-cache
	ngcport=$(free_port)
	# its workers run as nobody
	mkdir -p -m 777 "$2" "$2/.tmp"
	mkdir -p "$conf"
	cat >"$conf/nginx.conf" <<-NGX
	worker_processes 2;
	pid $conf/nginx.pid;
	error_log $conf/error.log;
	events { worker_connections 4096; }
	http {
		access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;
		client_body_temp_path $conf/b; proxy_temp_path $2/.tmp;
		fastcgi_temp_path $conf/f; uwsgi_temp_path $conf/u; scgi_temp_path $conf/s;
		upstream backend { server ${1#http://}; keepalive 64; }
		server {
			listen 127.0.0.1:$ngcport; root $2;
			location / { try_files \$uri @fetch; }
			location @fetch {
				proxy_pass http://backend; proxy_store on;
				proxy_http_version 1.1; proxy_set_header Connection "";
				proxy_set_header Host ${1#http://};
			}
		}
	}
	NGX
	nginx -c "$conf/nginx.conf" -p "$conf"
}

free_port() {		# [N]: N distinct ports, one a line
	/usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/free-port.py" "$@"
}

# median: of the numbers on stdin, one a line
median() { sort -g | awk '{ v[NR]=$1 } END { print NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2 }'; }

# start_s3rver: s3rver with the bucket "bench" in $work; sets $s3 (its URL)
# and the credentials it takes.
start_s3rver() {
	local port
	port=$(free_port)
	NODE_OPTIONS=--openssl-legacy-provider tests/.npm/node_modules/.bin/s3rver \
	    -d "$work/s3" -a 127.0.0.1 -p "$port" --silent \
	    --configure-bucket bench >/dev/null 2>&1 &
	echo $! >"$work/s3rver.pid"
	s3=http://127.0.0.1:$port
	until curl -s -o /dev/null "$s3/"; do sleep 0.1; done
	export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
}

# cpu_ticks: "all steal", the machine's CPU ticks so far and those the
# hypervisor gave to other guests (steal), from /proc/stat
cpu_ticks() { awk '$1 == "cpu" { t = 0; for (i = 2; i <= 9; i++) t += $i; print t, $9 }' /proc/stat; }

# cache_drops: how many times the page cache was dropped since boot.  On
# the test machines something outside the guest drops it now and then,
# and a warm run after that reads its objects from disk.
cache_drops() { awk '$1 == "drop_pagecache" { print $2 }' /proc/vmstat; }

# steal_since "ALL STEAL": the percentage of CPU time stolen since then
steal_since() {
	cpu_ticks | awk -v a="${1% *}" -v s="${1#* }" '{ printf "%.0f", ($1 > a ? 100 * ($2 - s) / ($1 - a) : 0) }'
}
