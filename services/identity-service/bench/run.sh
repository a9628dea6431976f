#!/usr/bin/env bash
# Runs one identity-service benchmark against a service of its own, then stops what it started.
#   services/identity-service/bench/run.sh alloc|fanout|gc [JVM options for the benchmark, e.g. -Dbench.seconds=10]
# The service: the built jar on 127.0.0.1:${SEPTUM_IDENTITY_BENCH_PORT:-38081}, database
# ${SEPTUM_IDENTITY_BENCH_DB:-septum_identity_bench} (emptied at start; another must exist already), NATS on ${SEPTUM_IDENTITY_BENCH_NATS_PORT:-4225} (started here with its own data unless one listens
# there already), with the same JVM options as infra/services.sh unless BENCH_SERVICE_JAVA_OPTS says otherwise.
# SEPTUM_BENCH_NO_BUILD=1 skips the build and runs what is built (to measure two builds in the same conditions, one
# kept aside: BENCH_SERVICE_APP=<a copy of target/quarkus-app>; BENCH_CLIENT_CLASSES=<a copy of target/test-classes>
# keeps the benchmark clients apart from a build or test run that recompiles them meanwhile).
# Progress goes to stderr; the benchmark's last line on stdout is its one line of JSON (see BENCHMARKS.md).
set -euo pipefail
source "$(dirname "$0")/../../../infra/lib.sh"
cd "$SEPTUM_ROOT"

topic=${1:?usage: run.sh alloc|fanout|gc [JVM options]}
shift
# Per benchmark: the main class, the service's settings, the benchmark's own.
service_properties=()
bench_properties=()
case "$topic" in
  alloc) main=io.septum.identity.bench.AllocationBenchmark ;;
  fanout) main=io.septum.identity.bench.FanoutBenchmark ;;
  gc)
    main=io.septum.identity.bench.CollectionBenchmark
    # a short grace period, so that collection has as much to do as pods come and go; a long lease, since no
    # enforcer renews the benchmark's node: endpoints go only when the benchmark deletes them
    service_properties=(-Dseptum.identity.gc.grace=5s -Dseptum.identity.allocation.cache-ttl=1s -Dseptum.identity.gc.interval=1s
      -Dseptum.identity.lease.duration=1h)
    bench_properties=(-Dbench.expectedDelayMillis=6000)
    ;;
  *) die "unknown identity benchmark '$topic' (alloc, fanout or gc)" ;;
esac
export JAVA_HOME; JAVA_HOME=$(find_java25)
port=${SEPTUM_IDENTITY_BENCH_PORT:-38081}
nats_port=${SEPTUM_IDENTITY_BENCH_NATS_PORT:-4225}
database=${SEPTUM_IDENTITY_BENCH_DB:-septum_identity_bench}
service_opts=${BENCH_SERVICE_JAVA_OPTS:--XX:+UseSerialGC -Xmx512m}
work="$SEPTUM_RUN/identity-bench"
mkdir -p "$work"

app=${BENCH_SERVICE_APP:-services/identity-service/target/quarkus-app}
if [[ ${SEPTUM_BENCH_NO_BUILD:-} != 1 || ! -f $work/classpath ]]; then
  say "building identity-service and its benchmark clients" >&2
  ./mvnw -B -q -pl services/identity-service -am install -DskipTests >&2
  ./mvnw -B -q -pl services/identity-service test-compile dependency:build-classpath \
    -Dmdep.outputFile="$work/classpath" -Dmdep.includeScope=test >&2
fi
infra/postgres.sh start >&2
infra/auth.sh >&2 # the service verifies the benchmark clients' admin token with this installation's key

pids=()
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
}
trap cleanup EXIT

if port_open 127.0.0.1 "$nats_port"; then
  say "using the NATS already listening on 127.0.0.1:$nats_port" >&2
else
  say "starting NATS with JetStream on 127.0.0.1:$nats_port (data in $work/nats)" >&2
  rm -rf "$work/nats"
  nats-server -a 127.0.0.1 -p "$nats_port" -js -sd "$work/nats" >"$work/nats.log" 2>&1 &
  pids+=($!)
  wait_for_port 127.0.0.1 "$nats_port" 15 "NATS for the identity benchmark"
fi

port_open 127.0.0.1 "$port" && die "port $port is taken; set SEPTUM_IDENTITY_BENCH_PORT"
say "starting identity-service on 127.0.0.1:$port (database $database, emptied; log $work/service.log)" >&2
# shellcheck disable=SC2086 # the options are words
"$JAVA_HOME/bin/java" $service_opts -Dquarkus.http.port="$port" -Dquarkus.http.host=127.0.0.1 \
  -Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:5432/$database \
  -Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/$database \
  -Dquarkus.flyway.clean-disabled=false -Dquarkus.flyway.clean-at-start=true \
  -Dseptum.nats.url="nats://127.0.0.1:$nats_port" -Dseptum.nats.credentials-dir="$SEPTUM_RUN/auth/nats" \
  -Dmp.jwt.verify.publickey.location="$SEPTUM_RUN/auth/signing-key.pub.pem" \
  "${service_properties[@]}" ${BENCH_SERVICE_PROPERTIES:-} \
  -jar "$app/quarkus-run.jar" >"$work/service.log" 2>&1 &
service=$!
pids+=($service)
for ((i = 0; i < 600; i++)); do
  kill -0 "$service" 2>/dev/null || die "identity-service exited during start-up; see $work/service.log"
  curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null || die "identity-service not ready within 60 s; see $work/service.log"

nats_pid=$(ss -ltnpH "( sport = :$nats_port )" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
say "running the $topic benchmark (load average now: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
"$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xmx1g -cp "${BENCH_CLIENT_CLASSES:-services/identity-service/target/test-classes}:$(cat "$work/classpath")" \
  -Dbench.url="http://127.0.0.1:$port" -Dbench.tokenFile="$SEPTUM_RUN/auth/cli.token" -Dbench.nats="nats://127.0.0.1:$nats_port" -Dbench.database="$database" -Dbench.service.pid="$service" -Dbench.nats.pid="$nats_pid" \
  "${bench_properties[@]}" "$@" "$main"
