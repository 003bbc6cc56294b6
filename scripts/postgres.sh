#!/bin/sh
# A throwaway PostgreSQL cluster for tests and development (never for production data).
#   scripts/postgres.sh start DIR PORT   creates DIR/data (if needed), starts the server on
#                                         127.0.0.1:PORT with its socket in DIR/socket, and
#                                         prints postgres://postgres@127.0.0.1:PORT/postgres
#   scripts/postgres.sh stop DIR         stops it (DIR stays; rm -rf it when done)
# Authentication is "trust" and fsync is off: fast, and only as safe as a local test needs.
# Uses Debian's versioned binaries; as root it runs them as the postgres user (initdb refuses root).
set -eu

usage() {
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
}

find_bin() {
    for candidate in ${PG_BIN:-} /usr/lib/postgresql/*/bin; do
        if [ -n "$candidate" ] && [ -x "$candidate/pg_ctl" ]; then
            echo "$candidate"
            return 0
        fi
    done
    if command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
        return 0
    fi
    echo "postgres.sh: pg_ctl not found (install Debian's postgresql package or set PG_BIN)" >&2
    exit 1
}

# Runs a command as the cluster owner: the postgres user when we are root, else ourselves.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

[ $# -ge 2 ] || usage
command=$1
dir=$2
bin=$(find_bin)

case "$command" in
start)
    [ $# -eq 3 ] || usage
    port=$3
    case "$port" in
    '' | *[!0-9]*) echo "postgres.sh: port must be a number, got '$port'" >&2; exit 2 ;;
    esac
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    mkdir -p "$dir/socket"
    if [ "$(id -u)" -eq 0 ]; then
        # The postgres user owns the cluster; it must also be able to reach DIR.
        chown -R postgres:postgres "$dir"
        if ! runuser -u postgres -- test -w "$dir"; then
            echo "postgres.sh: the postgres user cannot reach $dir; use a directory under /tmp" >&2
            exit 1
        fi
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
            echo "postgres.sh: initdb failed; see $dir/initdb.log" >&2
            tail -n 20 "$dir/initdb.log" >&2
            exit 1
        }
    fi
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir/socket -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" \
        start >"$dir/pg_ctl.log" 2>&1 || {
        echo "postgres.sh: server did not start; see $dir/server.log" >&2
        tail -n 20 "$dir/server.log" >&2 2>/dev/null || true
        exit 1
    }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    [ $# -eq 2 ] || usage
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    fi
    ;;
*)
    usage
    ;;
esac
