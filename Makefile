# Septum — see README.md. Every target runs as root on Debian 12 with a JDK 25 present.
SHELL := /bin/bash
export JAVA_HOME := $(shell source infra/lib.sh && find_java25 2>/dev/null)
MVN := ./mvnw -B -q

.PHONY: help setup build up down demo test lab-down clean bench-datapath bench-policy-latency bench-policy-compute bench-flows bench-flow-cost bench-policy-apply bench-policy-propagation

help:
	@echo "make demo   - install what is missing, build, start the control plane, run the frontend/backend demo"
	@echo "make test   - run every test (unit, service, kernel, end-to-end)"
	@echo "make setup  - Debian packages, bpffs, NATS and PostgreSQL on loopback (idempotent)"
	@echo "make build  - build everything (BPF objects, services, enforcer, CLI)"
	@echo "make up     - start identity-service, policy-service and flow-service in the background"
	@echo "              (SEPTUM_ZIPKIN=on make up: also Zipkin on :9411, and every policy change is traced to it)"
	@echo "make down   - stop the lab, the services, NATS and PostgreSQL: nothing left running"
	@echo "make bench-datapath        - packet rate/throughput: no program vs Septum vs iptables/ipset (~9 min; ARGS=--quick)"
	@echo "make bench-policy-latency  - policy apply -> enforced on 3 nodes, p50/p99 of 100 changes (~11 min; ARGS=--quick)"
	@echo "make bench-policy-compute  - enforcer control plane: 10,000 identities x 1,000 CNP rules resolved (~1 min; ARGS=--quick)"
	@echo "make bench-policy-apply    - 1,000 NetworkPolicies applied as one GitOps bundle and one by one (~3.5 min; ARGS=--quick)"
	@echo "make bench-policy-propagation - policy apply -> realized on 100 simulated enforcers, p50/p99 of 100 changes (~3.5 min; ARGS=--quick)"
	@echo "make bench-flows           - flow events/s from the BPF ring buffer to flow-service, losses counted (~1 min; ARGS=--quick)"
	@echo "make bench-flow-cost       - packet-rate cost of flow events: events off vs per connection vs per packet (~4 min; ARGS=--quick)"
	@echo "make bench-identity-alloc  - identity allocations/s via REST, 64 clients: new and known label sets (~2 min)"
	@echo "make bench-identity-fanout - allocation -> arrival at 100 watching NATS connections, p50/p99 (~1 min)"
	@echo "make bench-identity-gc     - identity collection under 1,000 pod creations + deletions/s (~2 min)"

setup:
	@infra/setup.sh

build: setup
	@echo "==> building (Maven wrapper; first run downloads dependencies)"
	@$(MVN) -DskipTests install

up: build
	@infra/services.sh start

down:
	@if ls services/septum-cli/target/septum-cli-*.jar >/dev/null 2>&1; then ./septum lab down || true; fi
	@infra/services.sh stop
	@infra/zipkin.sh stop
	@infra/nats.sh stop demo
	@infra/nats.sh stop test
	@infra/postgres.sh stop

demo: up
	@infra/demo.sh

test: setup
	@echo "==> running every test"
	@$(MVN) install

clean:
	@$(MVN) clean

# Benchmarks (BENCHMARKS.md): each prints progress, then one line of JSON with its figures. ARGS passes options,
# e.g. make bench-datapath ARGS=--quick (a smoke run) or ARGS="--repeats 9 --seconds 3".
BENCH_RUN = "$(JAVA_HOME)/bin/java" -XX:+UseSerialGC -Xmx512m -jar $$(ls integration-tests/benchmarks/target/septum-benchmarks-*.jar)

bench-datapath: setup
	@echo "==> building the datapath benchmark"
	@$(MVN) -pl integration-tests/benchmarks -am install -DskipTests
	@$(BENCH_RUN) datapath $(ARGS)

# The datapath benchmark's machinery, Septum with flow events off / per new connection / per packet (same run).
bench-flow-cost: setup
	@$(MVN) -q -pl integration-tests/benchmarks -am install -DskipTests
	@$(BENCH_RUN) flow-cost $(ARGS)

# The enforcer's control-plane code alone (no kernel, no services): 10,000 identities x 1,000 rules.
bench-policy-compute: setup
	@$(MVN) -q -pl integration-tests/benchmarks -am install -DskipTests
	@$(BENCH_RUN) policy-compute $(ARGS)

# The full stack on instances of its own: NATS "bench" (:4224), stopped again afterwards; services on :28081/:28082.
bench-policy-latency: build
	@infra/nats.sh start bench
	@$(BENCH_RUN) policy-latency $(ARGS); status=$$?; infra/nats.sh stop bench >&2; exit $$status

# Flow events from the ring buffer to flow-service (started from its jar on :28084) over a NATS of its own (:4224).
bench-flows: build
	@infra/nats.sh start bench
	@$(BENCH_RUN) flows $(ARGS); status=$$?; infra/nats.sh stop bench >&2; exit $$status

# policy-service of its own on :28082 (identity-service beside it on :28081), NATS "bench" (:4224), stopped afterwards.
bench-policy-apply: build
	@infra/nats.sh start bench
	@$(BENCH_RUN) policy-apply $(ARGS); status=$$?; infra/nats.sh stop bench >&2; exit $$status

# The same control plane and NATS; 100 enforcer control planes (no kernel) in the benchmark's own process.
bench-policy-propagation: build
	@infra/nats.sh start bench
	@$(BENCH_RUN) policy-propagation $(ARGS); status=$$?; infra/nats.sh stop bench >&2; exit $$status

# identity-service benchmarks (BENCHMARKS.md, identity-service): each builds the service, starts it on :38081 with
# database septum_identity_bench (emptied) and a NATS of its own on :4225, runs, stops what it started and prints one
# line of JSON. ARGS passes -Dbench.* options, e.g. make bench-identity-alloc ARGS=-Dbench.seconds=10.
.PHONY: bench-identity-alloc bench-identity-fanout bench-identity-gc
bench-identity-alloc: setup
	@services/identity-service/bench/run.sh alloc $(ARGS)

bench-identity-fanout: setup
	@services/identity-service/bench/run.sh fanout $(ARGS)

bench-identity-gc: setup
	@services/identity-service/bench/run.sh gc $(ARGS)
