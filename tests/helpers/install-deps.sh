#!/usr/bin/env bash
# Installs what ais needs to build and test, on Debian 12 as root.
# Idempotent: packages already installed are not fetched again.
set -euo pipefail
cd "$(dirname "$0")/../.."

PKGS=(build-essential pkg-config libcurl4-openssl-dev libbsd-dev
      libarchive-dev libssl-dev libxxhash-dev libnng-dev libjansson-dev
      libcmocka-dev bats bats-assert bats-support nginx wrk curl jq attr
      mandoc valgrind strace s3cmd python3-boto3 gnuplot-nox iproute2 procps tcpdump)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed" || missing+=("$p")
done
# node and npm: the machine's own (NodeSource bundles npm), or Debian's.
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
	    --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm test peers, kept inside the project (tests/.npm).
if [ ! -x tests/.npm/node_modules/.bin/s3rver ]; then
	echo "install-deps: installing s3rver into tests/.npm"
	mkdir -p tests/.npm
	npm install --silent --no-audit --no-fund --prefix tests/.npm \
	    s3rver@3.7.1 >/dev/null 2>&1 || {
		echo "install-deps: npm install s3rver failed" >&2; exit 1; }
fi
