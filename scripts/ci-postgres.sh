#!/usr/bin/env bash
# Start a throw-away PostgreSQL server for the tests and print its URL on stdout.
#
#   export TABLERX_TEST_POSTGRES_URL="$(scripts/ci-postgres.sh)"
#
# Installs Debian's postgresql package when no server binaries are found (needs root),
# creates a cluster in a new temporary folder owned by the user "postgres" (initdb refuses
# to run as root), starts it on a free loopback port and creates the database tablerx_test.
# Everything else goes to stderr, including the command that stops the server again.
set -euo pipefail

log() { echo "ci-postgres: $*" >&2; }

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

BIN="$(find_bin)"
if [ -z "$BIN" ] || [ ! -x "$BIN/pg_ctl" ]; then
    log "installing postgresql from Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    BIN="$(find_bin)"
fi

if [ "$(id -u)" = 0 ]; then
    AS=(runuser -u postgres --)
    OWNER=postgres
else
    AS=()
    OWNER="$(id -un)"
fi

DIR="$(mktemp -d "${TMPDIR:-/tmp}/tablerx-pg.XXXXXX")"
chown "$OWNER" "$DIR"
chmod 700 "$DIR"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

"${AS[@]}" "$BIN/initdb" --pgdata="$DIR/data" --username=postgres --auth=trust \
    --encoding=UTF8 --no-sync >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; exit 1; }
"${AS[@]}" "$BIN/pg_ctl" --pgdata="$DIR/data" --log="$DIR/server.log" --wait \
    -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=on" start >&2 \
    || { cat "$DIR/server.log" >&2; exit 1; }
"${AS[@]}" "$BIN/createdb" --host=127.0.0.1 --port="$PORT" --username=postgres tablerx_test

log "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT, data in $DIR"
log "stop it with: ${AS[*]} $BIN/pg_ctl --pgdata=$DIR/data stop"
echo "postgresql://postgres@127.0.0.1:$PORT/tablerx_test"
