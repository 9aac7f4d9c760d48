#!/usr/bin/env bash
# Proves tools/tls-audit's verdicts against real TLS servers (openssl s_server
# with the project's own certificates from tools/gen-certs): a TLS 1.3 server
# and a TLS 1.2+1.3 server with AEAD suites only pass; CBC suites, TLS 1.1, a
# missing TLS 1.3 and a chain to another CA fail. When vigil-server is built
# (VIGIL_SERVER=path), the real server is audited too and must pass.
set -euo pipefail
src=${1:?usage: tls_audit_test.sh SOURCE_DIR [VIGIL_SERVER]}
vigil_server=${2:-}
audit="$src/tools/tls-audit"
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
"$src/tools/gen-certs" --out "$tmp/certs" >/dev/null
"$src/tools/gen-certs" --out "$tmp/other-ca" >/dev/null
failures=0

# Starts openssl s_server on a free loopback port; sets $port once it listens
# (read from its "ACCEPT host:port" line through a FIFO, no polling).
start_server() {
  local fifo="$tmp/fifo.$RANDOM"
  mkfifo "$fifo"
  openssl s_server -accept 127.0.0.1:0 -cert "$tmp/certs/server.pem" -key "$tmp/certs/server-key.pem" \
    -www "$@" >"$fifo" 2>&1 &
  pids+=($!)
  server_pid=$!
  local line
  exec 3<"$fifo"
  while read -r -t 20 line <&3; do
    if [[ "$line" == ACCEPT* ]]; then port=${line##*:}; break; fi
  done
  # Keep draining the server's output so it never blocks on a full pipe.
  cat <&3 >/dev/null &
  exec 3<&-
  [ -n "${port:-}" ] || { echo "s_server did not start"; exit 1; }
}

# expect VERDICT(0|1) DESCRIPTION [--ca FILE] -- s_server args
expect() {
  local want=$1 what=$2; shift 2
  local ca="$tmp/certs/ca.pem"
  if [ "$1" = --ca ]; then ca=$2; shift 2; fi
  [ "$1" = -- ] && shift
  port=""
  start_server "$@"
  set +e
  "$audit" --ca "$ca" "127.0.0.1:$port" >"$tmp/out.txt" 2>&1
  local got=$?
  set -e
  kill "$server_pid" 2>/dev/null || true
  if [ "$got" = "$want" ]; then
    echo "ok    $what: $(tail -1 "$tmp/out.txt")"
  else
    echo "WRONG $what: exit $got, wanted $want"; sed 's/^/      /' "$tmp/out.txt"
    failures=$((failures + 1))
  fi
}

expect 0 "TLS 1.3 only" -- -tls1_3
expect 0 "TLS 1.2 + 1.3, AEAD suites only" -- -cipher ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305
expect 1 "TLS 1.2 with a CBC suite" -- -cipher ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA
expect 1 "TLS 1.2 only" -- -no_tls1_3 -cipher ECDHE-ECDSA-AES128-GCM-SHA256
expect 1 "TLS 1.1 enabled" -- -tls1_1 -cipher DEFAULT@SECLEVEL=0
expect 1 "certificate from another CA" --ca "$tmp/other-ca/ca.pem" -- -tls1_3
grep -q "^FAIL  certificate chain does not verify" "$tmp/out.txt" || { echo "WRONG: chain failure not named"; failures=$((failures + 1)); }

set +e
"$audit" --ca "$tmp/certs/ca.pem" "127.0.0.1:1" >"$tmp/out.txt" 2>&1
got=$?
set -e
if [ $got = 2 ]; then echo "ok    nothing listening: exit 2"; else echo "WRONG nothing listening: exit $got"; failures=$((failures + 1)); fi

if [ $failures -ne 0 ]; then echo "$failures scenario(s) wrong"; exit 1; fi
echo "all tls-audit scenarios gave the expected verdict"
