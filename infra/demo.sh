#!/usr/bin/env bash
# The Septum demo: a frontend, a backend and another pod; a NetworkPolicy lets only the frontend reach the
# backend, enforced in the kernel by eBPF on real TCP connections. Run by 'make demo' after 'make up'.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$SEPTUM_ROOT"

step() { printf '\n\033[1m%s\033[0m\n' "$*"; }
run()  { printf '\033[2m$ %s\033[0m\n' "$*"; "$@"; }
probe() { run ./septum lab probe --from "default/$1" --to default/backend --port 80 --protocol TCP || true; }

step "1. A clean slate: no lab, no policies."
./septum lab down >/dev/null
run ./septum policy delete --all

step "2. Build the lab: one node (a network namespace with its own enforcer) and three pods, each a network"
echo "   namespace wired to the node by a veth pair, as a CNI plugin would. The enforcer attaches its BPF program"
echo "   to each pod's veth and gives each pod a security identity from its labels."
run ./septum lab up -f infra/lab/demo.yaml
run ./septum lab status

step "3. No policy selects the backend yet, so Kubernetes semantics allow everyone in:"
probe frontend
probe other

step "4. Apply a NetworkPolicy: only app=frontend may reach app=backend."
cat kubernetes/examples/backend-access.yaml
run ./septum policy apply -f kubernetes/examples/backend-access.yaml
run ./septum policy wait --timeout 30s

step "5. The frontend still connects; the other pod's connection is dropped in the kernel:"
probe frontend
probe other

step "6. The enforcer's datapath counters: the other pod's SYNs were dropped by policy (POLICY_DENIED)."
run ./septum lab counters

cat <<'MSG'

That is Septum: labels became identities, the policy became BPF map entries, and the kernel dropped
what the policy does not allow — on real TCP connections, with replies of allowed ones passing.

Explore:
  ./septum lab status                       pods, addresses, identities, enforcer state
  ./septum lab probe --from default/other --to default/backend --port 80 --protocol TCP
  ./septum lab probe --from default/frontend --to default/backend --port 80 --protocol UDP
  ./septum policy list                      stored policies
  ./septum policy delete default/backend-access && ./septum policy wait
  ./septum lab counters                     drops and forwards by reason
  curl -s http://127.0.0.1:9870/metrics     the node's Prometheus metrics
Tear down:
  ./septum lab down                         remove the lab (namespaces, links, pins, processes)
  make down                                 stop everything Septum started
MSG
