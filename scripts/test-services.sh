#!/usr/bin/env bash
# Runs the test suite against throwaway PostgreSQL 15 and Redis servers on 127.0.0.1.
#   scripts/test-services.sh [pytest args...]   (PYTEST_ARGS is also honoured, with shell quoting)
#   scripts/test-services.sh --deps-only        (only check/install the Debian packages)
# Missing Debian packages are installed when run as root; otherwise the apt-get command is printed.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BIN=/usr/lib/postgresql/15/bin
CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}

# ---------------------------------------------------------------- system packages
missing=()
[ -x "$PG_BIN/initdb" ] || missing+=(postgresql-15)
command -v redis-server >/dev/null && command -v redis-cli >/dev/null || missing+=(redis-server)
[ -x "$CHROMIUM_PATH" ] || missing+=(chromium)
command -v make >/dev/null || missing+=(make)
command -v npm >/dev/null || missing+=(npm)
if command -v python3.11 >/dev/null && ! python3.11 -c 'import ensurepip' 2>/dev/null; then
    missing+=(python3.11-venv)
fi
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then
        echo "Paquets système manquants : ${missing[*]}" >&2
        echo "Installer avec (root) : $cmd" >&2
        exit 1
    fi
    echo "Installation des paquets système : ${missing[*]}"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi
if [ "${1:-}" = "--deps-only" ]; then
    echo "Paquets système présents."
    exit 0
fi

# ---------------------------------------------------------------- services
ROOT=$PWD
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3
mkdir -p var/test-services
TMP=$(mktemp -d "$ROOT/var/test-services/run.XXXXXX")
PG_DATA=$TMP/pgdata
pg_pid="" redis_pid=""
# initdb/postgres refuse root: run them as postgres then, else as the current user.
if [ "$(id -u)" -eq 0 ]; then AS_PG=(runuser -u postgres --); else AS_PG=(); fi

cleanup() {
    set +e
    cd "$TMP"
    # After a Ctrl-C both servers may already be stopping on their own.
    if [ -n "$pg_pid" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
        "${AS_PG[@]}" "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m immediate -s 2>/dev/null \
            || kill -KILL "$(head -n1 "$PG_DATA/postmaster.pid" 2>/dev/null)" 2>/dev/null
    fi
    [ -n "$pg_pid" ] && wait "$pg_pid" 2>/dev/null
    [ -n "$redis_pid" ] && kill -TERM "$redis_pid" 2>/dev/null
    [ -n "$redis_pid" ] && wait "$redis_pid" 2>/dev/null
    cd "$ROOT"
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

read -r PG_PORT REDIS_PORT < <("$PYTHON" - <<'PYEOF'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
PYEOF
)
rand() { "$PYTHON" -c 'import secrets; print(secrets.token_hex(16))'; }
SU_PASSWORD=$(rand)
PG_PASSWORD=$(rand)

# PostgreSQL: a fresh cluster in $TMP (cwd there too, postgres may not be able to read the checkout).
printf '%s\n' "$SU_PASSWORD" > "$TMP/pwfile"
if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$TMP"; fi
"${AS_PG[@]}" test -w "$TMP" || { echo "PostgreSQL ne peut pas écrire dans $TMP (droits des répertoires parents ?)" >&2; exit 1; }
cd "$TMP"
"${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A scram-sha-256 --pwfile="$TMP/pwfile" \
    -E UTF8 --locale=C.UTF-8 --no-sync >"$TMP/initdb.log" 2>&1 || { cat "$TMP/initdb.log" >&2; exit 1; }
"${AS_PG[@]}" "$PG_BIN/postgres" -D "$PG_DATA" -k "$TMP" -h 127.0.0.1 -p "$PG_PORT" \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off >"$TMP/postgres.log" 2>&1 &
pg_pid=$!
cd "$ROOT"

# Redis: in memory only.
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --dir "$TMP" >"$TMP/redis.log" 2>&1 &
redis_pid=$!

for _ in $(seq 100); do
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
    kill -0 "$pg_pid" 2>/dev/null || break
    sleep 0.2
done
"$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" || { echo "PostgreSQL n'a pas démarré :" >&2; cat "$TMP/postgres.log" >&2; exit 1; }
for _ in $(seq 100); do
    [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && break
    kill -0 "$redis_pid" 2>/dev/null || break
    sleep 0.2
done
[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] || { echo "Redis n'a pas démarré :" >&2; cat "$TMP/redis.log" >&2; exit 1; }

psql_su() { PGPASSWORD=$SU_PASSWORD "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -Atq "$@"; }
psql_su -c "CREATE ROLE iae LOGIN CREATEDB PASSWORD '$PG_PASSWORD'" -c "CREATE DATABASE iae OWNER iae"

export DATABASE_URL="postgres://iae:$PG_PASSWORD@127.0.0.1:$PG_PORT/iae"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export IAE_TEST_SERVICES=1
export CHROMIUM_PATH

pg_version=$(psql_su -c "SHOW server_version")
redis_version=$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" info server | tr -d '\r' | sed -n 's/^redis_version://p')
chromium_version=$("$CHROMIUM_PATH" --version 2>/dev/null | head -n1)
echo "Services: PostgreSQL $pg_version on 127.0.0.1:$PG_PORT, Redis $redis_version on 127.0.0.1:$REDIS_PORT, $chromium_version"

# ---------------------------------------------------------------- tests
eval "extra=(${PYTEST_ARGS:-})"
set +e
"$PYTHON" -m pytest "${extra[@]}" "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
    echo "ÉCHEC : pytest n'a collecté aucun test (code 5)." >&2
    rc=1
fi
exit "$rc"
