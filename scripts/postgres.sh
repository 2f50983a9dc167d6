#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: initdb and pg_ctl in a folder, on 127.0.0.1, on a free port,
# as a non-root user, without systemd.
#
#   scripts/postgres.sh start DIR   creates and starts a cluster in DIR; prints its URI, e.g.
#                                   postgresql://podium:PASSWORD@127.0.0.1:PORT/postgres
#   scripts/postgres.sh stop DIR    stops it (the caller removes DIR)
#
# The superuser is podium with a random password; connections over TCP must give it (scram-sha-256), so the
# tests can check what a wrong password does.
set -euo pipefail

command=${1:-}
dir=${2:-}
if [ -z "$command" ] || [ -z "$dir" ]; then
  echo "usage: scripts/postgres.sh start|stop DIR" >&2
  exit 2
fi

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "postgres: no PostgreSQL server here (looked for /usr/lib/postgresql/*/bin/initdb); install it: sudo apt-get install postgresql" >&2
  exit 1
fi

# PostgreSQL refuses to run as root: as root, run it as the postgres user the Debian package made.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$command" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then
      chown postgres "$dir"
      if ! runuser -u postgres -- test -w "$dir"; then
        echo "postgres: the postgres user cannot reach $dir; give a folder whose parents it may enter (chmod a+x)" >&2
        exit 1
      fi
    fi
    password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    printf '%s\n' "$password" > "$dir/pwfile"
    if [ "$(id -u)" = 0 ]; then
      chown postgres "$dir/pwfile"
    fi
    as_owner "$bin/initdb" --pgdata="$dir/data" --username=podium --pwfile="$dir/pwfile" --auth-local=trust \
      --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { echo "postgres: initdb failed; see $dir/initdb.log" >&2; cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$dir/pwfile"
    # Small and fast: no durability needed for a cluster that lives as long as the tests.
    as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --timeout=60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null \
      || { echo "postgres: the server did not start; see $dir/server.log" >&2; cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql://podium:$password@127.0.0.1:$port/postgres"
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" --pgdata="$dir/data" --mode=immediate --wait stop >/dev/null 2>&1 || true
    fi
    ;;
  *)
    echo "usage: scripts/postgres.sh start|stop DIR" >&2
    exit 2
    ;;
esac
