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

# Starts a server command in the background and sets $port once it says
# where it listens: the first output line matching PATTERN ends in ":PORT" or
# ":PORT (...)". Read through a FIFO as it is printed, no polling.
start_listening() {  # PATTERN command...
  local pattern=$1; shift
  local fifo="$tmp/fifo.$RANDOM"
  mkfifo "$fifo"
  "$@" >"$fifo" 2>&1 &
  pids+=($!)
  server_pid=$!
  local line
  port=""
  exec 3<"$fifo"
  while read -r -t 60 line <&3; do
    if [[ "$line" =~ $pattern ]]; then port=${BASH_REMATCH[1]}; break; fi
  done
  # Keep draining the server's output so it never blocks on a full pipe.
  cat <&3 >/dev/null &
  exec 3<&-
  [ -n "$port" ] || { echo "$1 did not start listening"; exit 1; }
}

start_server() {
  start_listening '^ACCEPT .*:([0-9]+)$' openssl s_server -accept 127.0.0.1:0 \
    -cert "$tmp/certs/server.pem" -key "$tmp/certs/server-key.pem" -www "$@"
}

# expect VERDICT(0|1) DESCRIPTION [--ca FILE] -- s_server args
expect() {
  local want=$1 what=$2; shift 2
  local ca="$tmp/certs/ca.pem"
  if [ "$1" = --ca ]; then ca=$2; shift 2; fi
  [ "$1" = -- ] && shift
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
# Mutual TLS: a server that demands a client certificate is audited with a
# station certificate (made here with openssl, signed by the same CA).
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/station-key.pem"
openssl req -new -key "$tmp/station-key.pem" -subj /CN=station-audit -out "$tmp/station.csr" 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' >"$tmp/station.ext"
openssl x509 -req -in "$tmp/station.csr" -CA "$tmp/certs/ca.pem" -CAkey "$tmp/certs/ca-key.pem" -CAcreateserial \
  -days 30 -sha256 -extfile "$tmp/station.ext" -out "$tmp/station.pem" 2>/dev/null
start_server -tls1_3 -Verify 1 -CAfile "$tmp/certs/ca.pem"
if "$audit" --ca "$tmp/certs/ca.pem" --client-cert "$tmp/station.pem" --client-key "$tmp/station-key.pem" \
     "127.0.0.1:$port" >"$tmp/out.txt" 2>&1; then
  echo "ok    mutual TLS with a station certificate: $(tail -1 "$tmp/out.txt")"
else
  echo "WRONG mutual TLS with a station certificate"; sed 's/^/      /' "$tmp/out.txt"; failures=$((failures + 1))
fi
kill "$server_pid" 2>/dev/null || true

expect 1 "certificate from another CA" --ca "$tmp/other-ca/ca.pem" -- -tls1_3
grep -q "^FAIL  certificate chain does not verify" "$tmp/out.txt" || { echo "WRONG: chain failure not named"; failures=$((failures + 1)); }

set +e
"$audit" --ca "$tmp/certs/ca.pem" "127.0.0.1:1" >"$tmp/out.txt" 2>&1
got=$?
set -e
if [ $got = 2 ]; then echo "ok    nothing listening: exit 2"; else echo "WRONG nothing listening: exit $got"; failures=$((failures + 1)); fi

if [ -n "$vigil_server" ]; then
  # The real HQ server, set up the way an operator would: init, then serve.
  "$vigil_server" init --data-dir "$tmp/hq" >"$tmp/init.txt" 2>&1 || { cat "$tmp/init.txt"; exit 1; }
  start_listening 'listening on .*:([0-9]+) ' "$vigil_server" serve --headless --data-dir "$tmp/hq" \
    --address 127.0.0.1 --port 0
  set +e
  "$audit" --ca "$tmp/hq/certs/ca.pem" --name localhost --report "$tmp/vigil-server.xml" "127.0.0.1:$port" \
    >"$tmp/out.txt" 2>&1
  got=$?
  set -e
  kill -TERM "$server_pid" 2>/dev/null || true
  echo "---- tools/tls-audit of vigil-server ----"; cat "$tmp/out.txt"
  if [ $got = 0 ]; then echo "ok    vigil-server passes the audit"; else echo "WRONG vigil-server: exit $got"; failures=$((failures + 1)); fi
else
  echo "note  vigil-server is not built in this tree: only the openssl s_server scenarios ran"
fi

if [ $failures -ne 0 ]; then echo "$failures scenario(s) wrong"; exit 1; fi
echo "all tls-audit scenarios gave the expected verdict"
