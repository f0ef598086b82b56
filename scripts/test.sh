#!/usr/bin/env bash
# Sets up everything the test suite needs, then runs all of it: lint, types, generated-file check, tests.
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
need_apt=()
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v redis-sentinel >/dev/null || need_apt+=(redis-sentinel)
command -v redis-cli >/dev/null || need_apt+=(redis-tools)
command -v openssl >/dev/null || need_apt+=(openssl)
command -v docker-compose >/dev/null || need_apt+=(docker-compose)
command -v chromium >/dev/null || need_apt+=(chromium)
command -v node >/dev/null || need_apt+=(nodejs npm)
command -v promtool >/dev/null && command -v prometheus >/dev/null || need_apt+=(prometheus)
command -v prometheus-redis-exporter >/dev/null || need_apt+=(prometheus-redis-exporter)
if ((${#need_apt[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "== apt-get install ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "missing: ${need_apt[*]} (run as root, or: sudo apt-get install ${need_apt[*]}); their tests will skip" >&2
  fi
fi

# Redis 8.0 (built once per machine, ~2 min) and Valkey 8.0 (backports): fetched while the rest installs.
echo "== scripts/get-servers.sh (in the background)"
bash scripts/get-servers.sh > >(sed 's/^/[get-servers] /') 2>&1 &
servers_pid=$!

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PYTHON" -m venv .venv
fi
echo "== pip install -e .[test]"
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]' 2> >(grep -v 'is ignored: it is neither' >&2)

if command -v npm >/dev/null; then
  echo "== npm ci (tests/node: bullmq + ioredis)"
  (cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"
.venv/bin/mypy
echo "== generated files are current"
.venv/bin/python -m generator build --check
wait "$servers_pid" || echo "scripts/get-servers.sh failed: the tests that need its servers skip (fail under CI=true)" >&2
echo "== pytest"
.venv/bin/python -m pytest "$@"
