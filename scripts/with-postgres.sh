#!/usr/bin/env bash
# with-postgres.sh CMD [ARGS...]
#
# Runs CMD with a throwaway PostgreSQL 15 cluster (STACK.md): initdb into a
# fresh temporary directory (trust auth, UTF8, C.UTF-8, fsync left on),
# listening on 127.0.0.1 on a free port below 32768, with a database
# zhida_test. CMD sees
#   ZHIDA_TEST_PG_URL=postgresql://postgres@127.0.0.1:PORT/zhida_test
# (and PGHOST/PGPORT/PGUSER/PGDATABASE for psql). The cluster is stopped and
# its directory removed however CMD ends; the script exits with CMD's status.
#
# As root the server runs as the postgres user (runuser); otherwise as the
# current user. Clusters left behind by a run that was killed (SIGKILL gives
# no chance to clean up) are found by their directory prefix and removed at
# the next start. PGBIN overrides the server binaries' directory.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PREFIX=zhida-pg.
TMPROOT=${TMPDIR:-/tmp}
if [ ! -x "$PGBIN/initdb" ]; then
  echo "with-postgres: no PostgreSQL server in $PGBIN (apt-get install postgresql)" >&2
  exit 2
fi

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Stops and removes clusters whose owning run is gone.
reap_stale() {
  local d pid
  for d in "$TMPROOT"/"$PREFIX"*; do
    [ -d "$d" ] || continue
    pid=$(cat "$d/owner.pid" 2>/dev/null || echo "")
    if [ -z "$pid" ] && [ -n "$(find "$d" -maxdepth 0 -mmin -1 2>/dev/null)" ]; then
      continue  # just created by a run that is starting now
    fi
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -qa with-postgres "/proc/$pid/cmdline" 2>/dev/null; then
      continue  # still in use by a live run
    fi
    if [ -f "$d/data/postmaster.pid" ]; then
      as_pg "$PGBIN/pg_ctl" -D "$d/data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
    fi
    rm -rf "$d"
  done
}

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

PGT=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [ -n "$PGT" ] && [ -d "$PGT" ]; then
    if [ -f "$PGT/data/postmaster.pid" ]; then
      as_pg "$PGBIN/pg_ctl" -D "$PGT/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PGT"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

reap_stale

PGT=$(mktemp -d "$TMPROOT/${PREFIX}XXXXXX")
echo $$ >"$PGT/owner.pid"
chmod 755 "$PGT"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$PGT"

if ! as_pg "$PGBIN/initdb" -D "$PGT/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >"$PGT/initdb.log" 2>&1; then
  echo "with-postgres: initdb failed:" >&2
  cat "$PGT/initdb.log" >&2
  exit 1
fi

# A free port below 32768 (no clash with ephemeral ports); if another process
# takes it between the check and the start, try another one.
started=""
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  PGPORT=$((20000 + (RANDOM % 12000)))
  port_free "$PGPORT" || continue
  if as_pg "$PGBIN/pg_ctl" -D "$PGT/data" -l "$PGT/server.log" -w -t 30 \
      -o "-p $PGPORT -k $PGT -c listen_addresses=127.0.0.1" start >/dev/null 2>&1; then
    started=1
    break
  fi
  echo "with-postgres: start on port $PGPORT failed (attempt $attempt), retrying" >&2
done
if [ -z "$started" ]; then
  echo "with-postgres: could not start PostgreSQL; server log:" >&2
  tail -n 30 "$PGT/server.log" >&2 || true
  exit 1
fi

as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres zhida_test

export ZHIDA_TEST_PG_URL="postgresql://postgres@127.0.0.1:$PGPORT/zhida_test"
export PGHOST=127.0.0.1 PGPORT PGUSER=postgres PGDATABASE=zhida_test

set +e
"$@"
status=$?
set -e
exit "$status"
