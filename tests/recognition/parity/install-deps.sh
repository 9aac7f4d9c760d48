#!/usr/bin/env bash
# Installs the parity test's npm packages (pinned by package-lock.json) into
# PREFIX, outside the repository; does nothing when they are already there.
# No install scripts run: none of these packages needs one.
set -euo pipefail
prefix="${1:?usage: install-deps.sh PREFIX}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v node >/dev/null || { echo "node not found (apt-get install nodejs)"; exit 1; }
command -v npm >/dev/null || { echo "npm not found (apt-get install npm)"; exit 1; }
mkdir -p "$prefix"
if cmp -s "$here/package-lock.json" "$prefix/package-lock.json" && [[ -d "$prefix/node_modules/@vladmandic/face-api" ]]; then
  echo "parity npm packages already installed in $prefix"
  exit 0
fi
cp "$here/package.json" "$here/package-lock.json" "$prefix/"
echo "installing parity npm packages into $prefix"
(cd "$prefix" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
