#!/usr/bin/env bash
# Starts/stops a NATS server with JetStream on loopback, with its data and log under $SEPTUM_RUN.
#   nats.sh start|stop|status [demo|test|bench]
# "demo" (default) listens on ${SEPTUM_NATS_PORT:-4222}; "test" on ${SEPTUM_TEST_NATS_PORT:-4223}, so that
# test runs never touch the buckets a running demo uses; "bench" on ${SEPTUM_BENCH_NATS_PORT:-4224}, started
# only by the benchmarks that need the full stack (make bench-policy-latency).
# With the users and per-subject permissions of infra/auth.sh ($SEPTUM_RUN/auth/nats/users.conf), so that the
# server itself refuses a client what it may not do; SEPTUM_NATS_AUTH=off starts it without users.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
close_inherited_fds

cmd=${1:-status}
instance=${2:-demo}
case "$instance" in
  demo) port=${SEPTUM_NATS_PORT:-4222}; dir="$SEPTUM_RUN/nats" ;;
  test) port=${SEPTUM_TEST_NATS_PORT:-4223}; dir="$SEPTUM_RUN/nats-test" ;;
  bench) port=${SEPTUM_BENCH_NATS_PORT:-4224}; dir="$SEPTUM_RUN/nats-bench" ;;
  *) die "unknown NATS instance '$instance' (demo, test or bench)" ;;
esac
pidfile="$SEPTUM_PIDS/nats-$instance.pid"

case "$cmd" in
  start)
    users="$SEPTUM_RUN/auth/nats/users.conf"
    if [ "${SEPTUM_NATS_AUTH:-on}" = on ]; then "$SEPTUM_ROOT/infra/auth.sh"; fi
    if pid_alive "$pidfile"; then
      # A server keeps the users it started with: restart it when infra/auth.sh changed them since.
      if [ "${SEPTUM_NATS_AUTH:-on}" = on ] && [ "$users" -nt "$pidfile" ]; then
        say "NATS ($instance): users and permissions changed; restarting it"
        stop_pidfile "$pidfile" "NATS ($instance)"
      else
        say "NATS ($instance) already running on 127.0.0.1:$port"; exit 0
      fi
    fi
    port_open 127.0.0.1 "$port" && die "port $port is taken by another process; set SEPTUM_NATS_PORT/SEPTUM_TEST_NATS_PORT"
    command -v nats-server >/dev/null || die "nats-server is not installed; run 'make setup'"
    mkdir -p "$dir/jetstream"
    config=()
    if [ "${SEPTUM_NATS_AUTH:-on}" = on ]; then
      config=(-c "$users") # infra/auth.sh's users and per-subject permissions: every client needs its credentials
    fi
    say "starting NATS ($instance) with JetStream on 127.0.0.1:$port${config:+ with users and permissions}"
    nohup nats-server "${config[@]}" -a 127.0.0.1 -p "$port" -js -sd "$dir/jetstream" -n "septum-$instance" \
      >"$SEPTUM_LOGS/nats-$instance.log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    wait_for_port 127.0.0.1 "$port" 15 "NATS ($instance)"
    ;;
  stop) stop_pidfile "$pidfile" "NATS ($instance)" ;;
  status) pid_alive "$pidfile" && echo "NATS ($instance) running on 127.0.0.1:$port" || { echo "NATS ($instance) stopped"; exit 1; } ;;
  *) die "usage: nats.sh start|stop|status [demo|test|bench]" ;;
esac
