#!/usr/bin/env bash
# The whole test run, as `make test` and CI do it: system packages, lint, types, tests.
#
# The tests use two real outside programs: LibreOffice (workbooks saved by another tool)
# and PostgreSQL (the audit log on a real server). As root with apt-get, missing Debian
# packages are installed; a throw-away PostgreSQL is started for the run and stopped after.
# Where that cannot be done, the tests that need them are skipped and say why, except in
# CI (CI=true), where a missing program is an error: CI must test everything.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
log() { echo "run-tests: $*" >&2; }

install_system_packages() {
    local missing=()
    command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
    ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        log "installing ${missing[*]} from Debian packages"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    else
        log "not installed: ${missing[*]} (needs root and apt-get); their tests will be skipped"
    fi
}

start_postgres() {
    if [ -n "${TABLERX_TEST_POSTGRES_URL:-}" ]; then
        return 0
    fi
    local out
    if out="$(scripts/ci-postgres.sh 2>/tmp/tablerx-ci-postgres.log)"; then
        export TABLERX_TEST_POSTGRES_URL="$out"
        PG_STOP="$(grep -o 'stop it with: .*' /tmp/tablerx-ci-postgres.log | sed 's/^stop it with: //')"
        log "PostgreSQL for the tests: $TABLERX_TEST_POSTGRES_URL"
    else
        log "could not start PostgreSQL (see /tmp/tablerx-ci-postgres.log); its tests will be skipped"
    fi
}

PG_STOP=""
stop_postgres() { if [ -n "$PG_STOP" ]; then $PG_STOP -m fast >/dev/null 2>&1 || true; fi; }
trap stop_postgres EXIT

install_system_packages
start_postgres
if [ "${CI:-}" = "true" ]; then
    command -v soffice >/dev/null 2>&1 || { log "CI: LibreOffice is required"; exit 1; }
    [ -n "${TABLERX_TEST_POSTGRES_URL:-}" ] || { log "CI: PostgreSQL is required"; exit 1; }
    export TABLERX_REQUIRE_ALL=1
fi

"$BIN/ruff" check service tests benchmarks scripts
"$BIN/ruff" format --check service tests benchmarks scripts
"$BIN/mypy"
"$BIN/python" -m pytest "$@"
