#!/usr/bin/env bash
# npm run bench: install the baselines if missing (Debian packages), then run the harness.
# Everything listens on 127.0.0.1 only; every process is stopped by PID when the run ends.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v nginx >/dev/null 2>&1 || need+=(nginx)
command -v haproxy >/dev/null 2>&1 || need+=(haproxy)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v taskset >/dev/null 2>&1 || need+=(util-linux)
# the replicas scenario runs a real PostgreSQL 15 (tests/support/postgres.ts)
[ -x "${PG_BIN:-/usr/lib/postgresql/15/bin}/postgres" ] || need+=(postgresql-15)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi
# the worker as production runs it: one esbuild bundle, no tsx loader thread (BENCH_TSX=1 runs the sources instead)
npx esbuild proxy-core/src/cli.ts --bundle --platform=node --format=esm --target=node20 --packages=external \
  --outfile=proxy-core/dist/proxy-core.mjs --log-level=warning
# the console-load scenario runs the production console
npx tsx scripts/ensure-build.ts
exec npx tsx bench/run.ts "$@"
