/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Every map of the datapath and the layout of its entries. User space
 * (io.septum.enforcer.datapath.maps) mirrors each struct field by field; a test
 * compares those mirrors with the BTF of the compiled object. Hence: fixed-size
 * types only, explicit padding, a size assertion per struct, append-only.
 *
 * All maps are pinned by name (libbpf pin_root_path + LIBBPF_PIN_BY_NAME), so a
 * restarted agent and the already attached programs share them. Changing a
 * key or value layout makes the old pins incompatible: the loader refuses to
 * reuse them, and they have to be removed (a restart of enforcement).
 */
#ifndef SEPTUM_MAPS_H
#define SEPTUM_MAPS_H

#include "common.h"

/* ---- endpoints: host-side veth ifindex (node netns) -> the pod behind it ---- */

#define EP_F_AUDIT_INGRESS (1U << 0)
#define EP_F_AUDIT_EGRESS (1U << 1)

struct endpoint_key {
	__u32 ifindex;
};
_Static_assert(sizeof(struct endpoint_key) == 4, "endpoint_key layout");

struct endpoint_info {
	__u32 ep_id;        /* endpoint id used in policy and CT keys, != 0 */
	__u32 identity;     /* security identity of the pod */
	__be32 ipv4;        /* the pod's address; egress with another source is dropped */
	__u32 policy_epoch; /* bumped by user space after every policy change of this endpoint */
	__u32 flags;        /* EP_F_* */
	__u32 pad;
};
_Static_assert(sizeof(struct endpoint_info) == 24, "endpoint_info layout");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct endpoint_key);
	__type(value, struct endpoint_info);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} endpoints SEC(".maps");

/* ---- ipcache: IPv4 prefix -> security identity, cluster-wide ---- */

struct ipcache_key {
	__u32 prefixlen; /* host order, 0..32 */
	__be32 addr;
};
_Static_assert(sizeof(struct ipcache_key) == 8, "ipcache_key layout");

struct ipcache_value {
	__u32 identity;
	__be32 node_addr; /* node hosting the address, 0 = none/unknown */
	__u32 flags;
	__u32 pad;
};
_Static_assert(sizeof(struct ipcache_value) == 16, "ipcache_value layout");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 524288);
	__type(key, struct ipcache_key);
	__type(value, struct ipcache_value);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ipcache SEC(".maps");

/*
 * ---- prefixes: IPv4 prefixes that policies name -> node-local CIDR identity ----
 *
 * Every ipBlock cidr and except of every policy (0.0.0.0/0 included) with the
 * node-local identity user space gave it. Looked up for a peer's address beside
 * the ipcache, so an ipBlock also matches addresses the ipcache knows as pods:
 * the longest prefix containing an address tells which blocks contain it and
 * which exceptions carve it out. Same key as the ipcache.
 */
struct prefix_value {
	__u32 identity; /* node-local CIDR identity, != 0 */
	__u32 pad;
};
_Static_assert(sizeof(struct prefix_value) == 8, "prefix_value layout");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__type(key, struct ipcache_key);
	__type(value, struct prefix_value);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} prefixes SEC(".maps");

/* ---- policy: per-endpoint allow/deny entries with wildcards ---- */

/* Bits of policy_key data matched by prefixlen. */
#define POLICY_PREFIX_FIXED 72 /* ep_id, identity, direction: always exact */
#define POLICY_PREFIX_PROTO 80 /* + protocol */
#define POLICY_PREFIX_FULL 96  /* + all 16 bits of dport */

#define POLICY_F_DENY (1U << 0)

/*
 * prefixlen counts bits of the data after it, most significant bit of each byte
 * first: 72 = any protocol and port, 80 = protocol exact and any port,
 * 80 + k = protocol exact and the first k bits of dport (a port range), 96 = one
 * port. identity 0 = any peer. For ICMP, dport holds the ICMP type.
 */
struct policy_key {
	__u32 prefixlen;
	__u32 ep_id;
	__u32 identity;
	__u8 direction;
	__u8 protocol;
	__be16 dport;
};
_Static_assert(sizeof(struct policy_key) == 16, "policy_key layout");

struct policy_value {
	__u8 flags; /* POLICY_F_* */
	__u8 pad1;
	__u16 pad2;
	__u32 rule_ref; /* opaque id of the deciding rule, 0 = unknown */
};
_Static_assert(sizeof(struct policy_value) == 8, "policy_value layout");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1048576); /* user space may change it before load */
	__type(key, struct policy_key);
	__type(value, struct policy_value);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} policy SEC(".maps");

/* ---- ct: one entry per connection per endpoint ---- */

struct ct_key {
	__u32 ep_id;
	__be32 peer_addr;
	__be16 peer_port;  /* TCP/UDP/SCTP peer port; ICMP echo: echo id; else 0 */
	__be16 local_port; /* TCP/UDP/SCTP pod port; ICMP echo: echo id; else 0 */
	__u8 protocol;
	__u8 conn_dir; /* direction of the packet that opened the connection */
	__u16 pad;
};
_Static_assert(sizeof(struct ct_key) == 16, "ct_key layout");

struct ct_value {
	__u64 expires_ns; /* bpf_ktime_get_ns() deadline; an expired entry counts as absent */
	__u64 packets;
	__u64 bytes;
	__u32 policy_epoch; /* endpoint epoch when last checked against policy */
	__u32 peer_identity;
	__u32 rule_ref;
	__u8 tcp_flags_seen;
	__u8 pad[3];
};
_Static_assert(sizeof(struct ct_value) == 40, "ct_value layout");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 262144);
	__type(key, struct ct_key);
	__type(value, struct ct_value);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ct SEC(".maps");

/* ---- metrics: packets and bytes per (verdict, direction, reason) ---- */

#define METRICS_REASONS 256
#define METRICS_ENTRIES (3 * 2 * METRICS_REASONS)

struct metrics_value {
	__u64 packets;
	__u64 bytes;
};
_Static_assert(sizeof(struct metrics_value) == 16, "metrics_value layout");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, METRICS_ENTRIES);
	__type(key, __u32); /* (verdict * 2 + direction) * 256 + reason */
	__type(value, struct metrics_value);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} metrics SEC(".maps");

/* ---- events: flow events for new connections and drops ---- */

/* Everything in network order is marked __be*; the rest is host order. */
struct flow_event {
	__u64 timestamp_ns; /* bpf_ktime_get_ns() */
	__u32 ep_id;        /* 0 for UNKNOWN_ENDPOINT */
	__u32 ifindex;
	__u32 src_identity;
	__u32 dst_identity;
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u8 protocol;
	__u8 verdict;
	__u8 reason;
	__u8 direction;
	__u8 tcp_flags;
	__u8 is_reply; /* the packet was a reply of a tracked connection */
	__u16 pad;
	__u32 rule_ref;
	__u32 packet_len;
	__u32 pad2;
};
_Static_assert(sizeof(struct flow_event) == 56, "flow_event layout");

/*
 * Ring buffer records have no map value type, so nothing would put struct
 * flow_event into the object's BTF. This variable does; it is never loaded
 * (libbpf skips the unknown section), and lets user space check its mirror.
 */
struct flow_event septum_btf_flow_event SEC(".septum_btf") __attribute__((unused));

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20); /* bytes; user space may change it before load */
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} events SEC(".maps");

/* Failed ring buffer reservations (the reader fell behind). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} event_losses SEC(".maps");

/* ---- flow_config: node-wide settings of flow events, written by the enforcer ---- */

struct flow_config {
	__u32 event_mode; /* enum event_mode; 0 (connections) until user space writes it */
	__u32 pad;
};
_Static_assert(sizeof(struct flow_config) == 8, "flow_config layout");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct flow_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} flow_config SEC(".maps");

#endif /* SEPTUM_MAPS_H */
