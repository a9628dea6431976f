#!/usr/bin/env bash
# Starts/stops a Zipkin server (trace viewer, in-memory storage) on loopback, for the traces of policy changes.
#   zipkin.sh start|stop|status|endpoint
# Listens on 127.0.0.1:${SEPTUM_ZIPKIN_PORT:-9411} (UI /zipkin/, spans POST /api/v2/spans). The server is
# io.zipkin:zipkin-server:${SEPTUM_ZIPKIN_VERSION:-3.5.1}:exec from Maven Central (~130 MB), fetched once with
# the project's Maven wrapper into $SEPTUM_RUN/zipkin. Started by `SEPTUM_ZIPKIN=on make up` (infra/services.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
close_inherited_fds

port=${SEPTUM_ZIPKIN_PORT:-9411}
version=${SEPTUM_ZIPKIN_VERSION:-3.5.1}
dir="$SEPTUM_RUN/zipkin"
jar="$dir/zipkin-server-$version-exec.jar"
pidfile="$SEPTUM_PIDS/zipkin.pid"

fetch() {
  [ -s "$jar" ] && return 0
  say "downloading io.zipkin:zipkin-server:$version:exec from Maven Central (~130 MB, once)"
  mkdir -p "$dir"
  (cd "$SEPTUM_ROOT" && ./mvnw -B -q dependency:copy -Dartifact="io.zipkin:zipkin-server:$version:jar:exec" \
    -DoutputDirectory="$dir" -Dmdep.stripVersion=false) || die "could not download zipkin-server $version (see above)"
  [ -s "$jar" ] || die "zipkin-server $version was downloaded but $jar is missing"
}

case "${1:-status}" in
  start)
    if pid_alive "$pidfile"; then say "Zipkin already running on 127.0.0.1:$port"; exit 0; fi
    port_open 127.0.0.1 "$port" && die "port $port is taken by another process; set SEPTUM_ZIPKIN_PORT"
    JAVA_HOME=$(find_java25) || exit 1
    fetch
    say "starting Zipkin on 127.0.0.1:$port (UI http://127.0.0.1:$port/zipkin/)"
    nohup setsid "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmx384m -jar "$jar" \
      --armeria.ports[0].ip=127.0.0.1 --armeria.ports[0].port="$port" --armeria.ports[0].protocols[0]=http \
      >"$SEPTUM_LOGS/zipkin.log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    wait_for_port 127.0.0.1 "$port" 60 "Zipkin"
    ;;
  stop) stop_pidfile "$pidfile" "Zipkin" ;;
  status) pid_alive "$pidfile" && echo "Zipkin running on 127.0.0.1:$port" || { echo "Zipkin stopped"; exit 1; } ;;
  # The spans endpoint the services and enforcers export to, when Zipkin runs; nothing otherwise.
  endpoint) pid_alive "$pidfile" && echo "http://127.0.0.1:$port/api/v2/spans" || true ;;
  *) die "usage: zipkin.sh start|stop|status|endpoint" ;;
esac
