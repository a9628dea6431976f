/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Connection tracking, one entry per connection per endpoint, keyed from the
 * pod's point of view (peer/local), so both directions of a connection build
 * the same key except conn_dir: a packet first looks for a connection it opened
 * itself (conn_dir = its direction), then for one it replies to (the other).
 */
#ifndef SEPTUM_CONNTRACK_H
#define SEPTUM_CONNTRACK_H

#include "maps.h"
#include "parse.h"

#define CT_LIFETIME_TCP_SYN (60 * NSEC_PER_SEC)              /* until the peer answered */
#define CT_LIFETIME_TCP_ESTABLISHED (6 * 3600 * NSEC_PER_SEC)
#define CT_LIFETIME_TCP_CLOSING (10 * NSEC_PER_SEC)          /* after a FIN or RST */
#define CT_LIFETIME_OTHER (60 * NSEC_PER_SEC)                /* UDP, ICMP echo, ... */

static __always_inline void ct_build_key(struct ct_key *key, __u32 ep_id, const struct packet *p, __u8 dir,
					 __u8 conn_dir)
{
	__builtin_memset(key, 0, sizeof(*key));
	key->ep_id = ep_id;
	key->protocol = p->protocol;
	key->conn_dir = conn_dir;
	if (dir == DIR_EGRESS) {
		key->peer_addr = p->daddr;
		key->peer_port = p->dport;
		key->local_port = p->sport;
	} else {
		key->peer_addr = p->saddr;
		key->peer_port = p->sport;
		key->local_port = p->dport;
	}
}

/* An expired entry counts as absent; it is overwritten or evicted later. */
static __always_inline struct ct_value *ct_lookup_live(const struct ct_key *key, __u64 now)
{
	struct ct_value *v = bpf_map_lookup_elem(&ct, key);

	return v && v->expires_ns > now ? v : NULL;
}

static __always_inline __u64 ct_lifetime(__u8 protocol, __u8 tcp_flags_seen)
{
	if (protocol != IPPROTO_TCP)
		return CT_LIFETIME_OTHER;
	if (tcp_flags_seen & (TCP_FLAG_FIN | TCP_FLAG_RST))
		return CT_LIFETIME_TCP_CLOSING;
	/* The opening SYN carries no ACK; everything after the peer's answer does. */
	if (tcp_flags_seen & TCP_FLAG_ACK)
		return CT_LIFETIME_TCP_ESTABLISHED;
	return CT_LIFETIME_TCP_SYN;
}

/* A SYN on a closing connection is a new connection reusing the ports. */
static __always_inline int ct_is_reopened(const struct ct_value *v, const struct packet *p)
{
	return p->protocol == IPPROTO_TCP && (p->tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN &&
	       (v->tcp_flags_seen & (TCP_FLAG_FIN | TCP_FLAG_RST));
}

/*
 * The established path's only writes. Counters are plain increments: they are
 * statistics (no decision reads them), and atomics on the entry's cache line
 * cost every packet; a rare race between a connection's two directions on two
 * CPUs loses a count. The deadline moves only when it would move by more than
 * CT_REFRESH_SLACK (an entry expires at most that much early), flags only when
 * a new one is seen: per packet, one cache line written, no locked instruction.
 */
#define CT_REFRESH_SLACK NSEC_PER_SEC

static __always_inline void ct_refresh(struct ct_value *v, const struct packet *p, __u64 now)
{
	__u8 flags = v->tcp_flags_seen | p->tcp_flags;
	__u64 expires;

	v->packets++;
	v->bytes += p->len;
	if (flags != v->tcp_flags_seen)
		v->tcp_flags_seen = flags;
	expires = now + ct_lifetime(p->protocol, flags);
	/* Also when the lifetime shrinks (FIN/RST): then expires < v->expires_ns, and the difference wraps high. */
	if (expires - v->expires_ns > CT_REFRESH_SLACK)
		v->expires_ns = expires;
}

static __always_inline void ct_create(const struct ct_key *key, const struct packet *p, __u32 policy_epoch,
				      __u32 peer_identity, __u32 rule_ref, __u64 now)
{
	struct ct_value v;

	__builtin_memset(&v, 0, sizeof(v));
	v.expires_ns = now + ct_lifetime(p->protocol, p->tcp_flags);
	v.packets = 1;
	v.bytes = p->len;
	v.policy_epoch = policy_epoch;
	v.peer_identity = peer_identity;
	v.rule_ref = rule_ref;
	v.tcp_flags_seen = p->tcp_flags;
	/* LRU: never fails for lack of space; a failure would only make the reply a new packet. */
	bpf_map_update_elem(&ct, key, &v, BPF_ANY);
}

/* The port the connection's opening packet was checked against. */
static __always_inline __be16 ct_policy_port(const struct ct_key *key)
{
	if (key->protocol == IPPROTO_ICMP)
		return bpf_htons(ICMP_ECHO); /* only echo requests open ICMP connections */
	return key->conn_dir == DIR_EGRESS ? key->peer_port : key->local_port;
}

#endif /* SEPTUM_CONNTRACK_H */
