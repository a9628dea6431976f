#!/usr/bin/env bash
# Starts/stops Septum's own PostgreSQL cluster on loopback (${SEPTUM_PG_PORT:-5432}), data under $SEPTUM_RUN/pg.
# Creates the role "septum" (password "septum") and one database per service, plus *_test databases for the
# services' own tests, *_it databases for the end-to-end tests and septum_identity_bench for identity benchmarks.
#   postgres.sh start|stop|status
set -euo pipefail
source "$(dirname "$0")/lib.sh"
close_inherited_fds

cmd=${1:-status}
port=${SEPTUM_PG_PORT:-5432}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
databases=(septum_identity septum_policy septum_identity_test septum_policy_test septum_identity_it septum_policy_it septum_identity_bench)
# The policy latency benchmark's control plane (make bench-policy-latency), apart from every other user's.
databases+=(septum_identity_sepbench septum_policy_sepbench)
# The trace test's own traced policy-service (integration-tests tracing.PolicyTracePrivilegedTest).
databases+=(septum_policy_trace_it)

# PostgreSQL refuses to run as root, and the "postgres" user must be able to reach its data directory.
# When the checkout lies below a directory it cannot traverse (such as /root), the data lives in
# /var/lib/septum/<hash> and $SEPTUM_RUN/pg is a link to it.
pg_home() {
  local want="$SEPTUM_RUN/pg"
  if [ -L "$want" ] || [ -d "$want" ]; then echo "$want"; return; fi
  mkdir -p "$want"; chown postgres:postgres "$want"
  if runuser -u postgres -- test -w "$want"; then echo "$want"; return; fi
  rmdir "$want"
  local alt="/var/lib/septum/$(echo -n "$SEPTUM_RUN" | md5sum | cut -c1-12)/pg"
  mkdir -p "$alt"; chown -R postgres:postgres "$(dirname "$alt")"
  ln -s "$alt" "$want"
  echo "$want"
}

psql_su() { runuser -u postgres -- "$bindir/psql" -h "$sockdir" -p "$port" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

case "$cmd" in
  start)
    [ -n "$bindir" ] || die "PostgreSQL is not installed; run 'make setup'"
    home=$(pg_home); data="$home/data"; sockdir="$home/sock"
    mkdir -p "$sockdir"; chown postgres:postgres "$home" "$sockdir"
    if [ ! -f "$data/PG_VERSION" ]; then
      say "initialising PostgreSQL cluster in $data"
      runuser -u postgres -- "$bindir/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 \
        >"$SEPTUM_LOGS/postgres-initdb.log" 2>&1 || die "initdb failed, see $SEPTUM_LOGS/postgres-initdb.log"
    fi
    if runuser -u postgres -- "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      say "PostgreSQL already running on 127.0.0.1:$port"
    else
      port_open 127.0.0.1 "$port" && die "port $port is taken by another process; set SEPTUM_PG_PORT"
      say "starting PostgreSQL on 127.0.0.1:$port"
      touch "$SEPTUM_LOGS/postgres.log"; chown postgres "$SEPTUM_LOGS/postgres.log" 2>/dev/null || true
      # max_wal_size: identity allocation under load writes ~1 GB of WAL a minute; with the default (1 GB) a checkpoint
      # started every minute, and after each the first change of every index page logs the whole page again
      runuser -u postgres -- "$bindir/pg_ctl" -D "$data" -w -t 60 -l "$home/postgres.log" \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $sockdir -c max_connections=200 -c fsync=on -c max_wal_size=8GB -c checkpoint_timeout=15min" start >/dev/null \
        || die "PostgreSQL did not start, see $home/postgres.log"
    fi
    psql_su -d postgres -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'septum') THEN CREATE ROLE septum LOGIN PASSWORD 'septum'; END IF; END \$\$;"
    for db in "${databases[@]}"; do
      [ "$(psql_su -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" = 1 ] \
        || psql_su -d postgres -c "CREATE DATABASE $db OWNER septum"
    done
    ;;
  stop)
    [ -e "$SEPTUM_RUN/pg/data/PG_VERSION" ] || exit 0
    if runuser -u postgres -- "$bindir/pg_ctl" -D "$SEPTUM_RUN/pg/data" status >/dev/null 2>&1; then
      say "stopping PostgreSQL"
      runuser -u postgres -- "$bindir/pg_ctl" -D "$SEPTUM_RUN/pg/data" -m fast -w stop >/dev/null
    fi
    ;;
  status)
    runuser -u postgres -- "$bindir/pg_ctl" -D "$SEPTUM_RUN/pg/data" status >/dev/null 2>&1 \
      && echo "PostgreSQL running on 127.0.0.1:$port" || { echo "PostgreSQL stopped"; exit 1; }
    ;;
  *) die "usage: postgres.sh start|stop|status" ;;
esac
