# Shared shell helpers for the infra scripts. Sourced, never executed.
# Everything a local installation writes lives under $SEPTUM_RUN (default: <repo>/.run), which git ignores.

SEPTUM_ROOT="${SEPTUM_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
SEPTUM_RUN="${SEPTUM_RUN:-$SEPTUM_ROOT/.run}"
SEPTUM_LOGS="$SEPTUM_RUN/logs"
SEPTUM_PIDS="$SEPTUM_RUN/pids"

say()  { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33mwarning:\033[0m %s\n' "$*" >&2; }
die()  { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# find_java25 prints the JAVA_HOME of a JDK 25, or fails with instructions.
find_java25() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /opt/java/*25* /opt/jdk-25*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    if "$candidate/bin/java" -version 2>&1 | head -1 | grep -Eq '"25(\.|")'; then
      echo "$candidate"; return 0
    fi
  done
  cat >&2 <<'MSG'
error: Septum needs a JDK 25 and none was found (looked at $JAVA_HOME and /usr/lib/jvm/*25*).
Install one, for example Eclipse Temurin 25 from https://adoptium.net (apt: temurin-25-jdk),
then run again, or point JAVA_HOME at it: JAVA_HOME=/path/to/jdk-25 make demo
MSG
  return 1
}

# port_open HOST PORT: true when something accepts TCP connections there.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# wait_for_port HOST PORT SECONDS WHAT
wait_for_port() {
  local host=$1 port=$2 seconds=$3 what=$4 i
  for ((i = 0; i < seconds * 10; i++)); do
    port_open "$host" "$port" && return 0
    sleep 0.1
  done
  die "$what did not start listening on $host:$port within ${seconds}s (see $SEPTUM_LOGS)"
}

# pid_alive PIDFILE: true when the pid file names a live process.
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# stop_pidfile PIDFILE WHAT: TERM the process named in PIDFILE, wait, then KILL; removes the file.
stop_pidfile() {
  local file=$1 what=$2 pid i
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    say "stopping $what (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

mkdir -p "$SEPTUM_LOGS" "$SEPTUM_PIDS"

# Daemons started by a script must not keep the descriptors of whoever started the script — e.g. the lock of a
# `flock … make test` wrapper, which a long-running NATS or PostgreSQL would otherwise hold until it stops.
# Keeps 0-2 and bash's own script descriptor (255).
close_inherited_fds() {
  local fd
  for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ] && [ "$fd" -ne 255 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
}
