#!/usr/bin/env bash
# Starts/stops the control-plane services in the background and waits until they are healthy.
#   services.sh start|stop|status
# Every REST call needs a bearer token signed with $SEPTUM_RUN/auth/signing-key.pem (infra/auth.sh).
# Addresses: identity-service 127.0.0.1:${SEPTUM_IDENTITY_PORT:-8081}, policy-service :${SEPTUM_POLICY_PORT:-8082},
# flow-service :${SEPTUM_FLOW_PORT:-8084}.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
close_inherited_fds

services=(identity-service policy-service flow-service)
port_of() {
  case "$1" in
    identity-service) echo "${SEPTUM_IDENTITY_PORT:-8081}" ;;
    policy-service) echo "${SEPTUM_POLICY_PORT:-8082}" ;;
    flow-service) echo "${SEPTUM_FLOW_PORT:-8084}" ;;
  esac
}

start_one() {
  local name=$1 port jar pidfile
  port=$(port_of "$name")
  jar="$SEPTUM_ROOT/services/$name/target/quarkus-app/quarkus-run.jar"
  pidfile="$SEPTUM_PIDS/$name.pid"
  if pid_alive "$pidfile"; then say "$name already running on 127.0.0.1:$port"; return; fi
  [ -f "$jar" ] || die "$name is not built ($jar missing); run 'make build'"
  port_open 127.0.0.1 "$port" && die "port $port for $name is taken by another process; set SEPTUM_$(echo "${name%%-*}" | tr a-z A-Z)_PORT"
  say "starting $name on 127.0.0.1:$port"
  nohup setsid "$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xmx512m -Dquarkus.http.port="$port" -Dquarkus.http.host=127.0.0.1 \
    -Dseptum.nats.url="${SEPTUM_NATS_URL:-nats://127.0.0.1:4222}" -Dseptum.nats.credentials-dir="$SEPTUM_RUN/auth/nats" \
    -Dmp.jwt.verify.publickey.location="$SEPTUM_RUN/auth/signing-key.pub.pem" -jar "$jar" >"$SEPTUM_LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
}

wait_healthy() {
  local name=$1 port i
  port=$(port_of "$name")
  for ((i = 0; i < 600; i++)); do
    pid_alive "$SEPTUM_PIDS/$name.pid" || die "$name exited during start-up; see $SEPTUM_LOGS/$name.log"
    if curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1; then say "$name is healthy"; return; fi
    sleep 0.1
  done
  die "$name did not become healthy within 60 s; see $SEPTUM_LOGS/$name.log"
}

case "${1:-status}" in
  start)
    JAVA_HOME=$(find_java25) || exit 1
    "$SEPTUM_ROOT/infra/auth.sh" # the key the services verify tokens with
    for s in "${services[@]}"; do start_one "$s"; done
    for s in "${services[@]}"; do wait_healthy "$s"; done
    ;;
  stop)
    for s in "${services[@]}"; do stop_pidfile "$SEPTUM_PIDS/$s.pid" "$s"; done
    ;;
  status)
    for s in "${services[@]}"; do
      pid_alive "$SEPTUM_PIDS/$s.pid" && echo "$s running on 127.0.0.1:$(port_of "$s")" || echo "$s stopped"
    done
    ;;
  *) die "usage: services.sh start|stop|status" ;;
esac
