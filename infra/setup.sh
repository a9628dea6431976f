#!/usr/bin/env bash
# Prepares this machine for Septum, idempotently: Debian packages, JDK 25 check, bpffs,
# and the local NATS (JetStream) and PostgreSQL servers on loopback. Safe to run again and again.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || die "setup needs root (it installs packages, loads BPF programs and creates network namespaces); run it with sudo"

JAVA_HOME=$(find_java25) || exit 1
say "JDK 25: $JAVA_HOME"

packages=(openssl clang llvm libbpf-dev bpftool iproute2 nats-server postgresql postgresql-client curl unzip make ca-certificates procps iptables ipset
  gcc libc6-dev iperf3) # gcc and iperf3: the datapath benchmark's traffic generators
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$SEPTUM_LOGS/apt.log" 2>&1 || die "apt-get update failed, see $SEPTUM_LOGS/apt.log"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$SEPTUM_LOGS/apt.log" 2>&1 \
    || die "apt-get install ${missing[*]} failed, see $SEPTUM_LOGS/apt.log"
  # The Debian package starts a cluster of its own on 5432 and a NATS on 4222; Septum runs its own on loopback.
  systemctl stop postgresql nats-server >/dev/null 2>&1 || true
  pg_ctlcluster 15 main stop >/dev/null 2>&1 || true
else
  say "Debian packages present"
fi

# BPF programs and maps are pinned under /sys/fs/bpf/septum so that enforcement outlives the enforcer.
if ! mount | grep -q ' /sys/fs/bpf type bpf'; then
  say "mounting bpffs on /sys/fs/bpf"
  mkdir -p /sys/fs/bpf
  mount -t bpf bpf /sys/fs/bpf || die "cannot mount bpffs on /sys/fs/bpf"
fi

"$SEPTUM_ROOT/infra/auth.sh"
"$SEPTUM_ROOT/infra/nats.sh" start
"$SEPTUM_ROOT/infra/nats.sh" start test
"$SEPTUM_ROOT/infra/postgres.sh" start
say "setup complete"
