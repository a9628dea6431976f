/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Accounting of verdicts: metrics for every packet; flow events as the node's
 * event mode says (flow_config): for new connections and drops (the default),
 * for every packet, or none.
 */
#ifndef SEPTUM_FLOW_H
#define SEPTUM_FLOW_H

#include "maps.h"
#include "parse.h"
#include "policy.h"

/* Wake the reader once this much is queued; below it the reader's poll timeout picks events up. */
#define EVENTS_WAKEUP_BYTES (64 * 1024)

/* What one program invocation knows about the packet it judges. */
struct flow_ctx {
	struct __sk_buff *skb;
	const struct endpoint_info *ep; /* NULL: unknown endpoint */
	__u32 ifindex;                  /* host-side veth of ep: the packet's, or the destination's (local delivery) */
	struct packet pkt;
	__u32 peer_identity; /* 0 until resolved (for a known connection: its conntrack entry's) */
	__u32 ct_rule_ref;   /* a known connection's deciding rule, from its conntrack entry */
	__u8 dir;
	__u8 is_reply;
};

static __always_inline void metrics_count(__u8 verdict, __u8 dir, __u8 reason, __u32 len)
{
	__u32 index = ((__u32)verdict * 2 + dir) * METRICS_REASONS + reason;
	struct metrics_value *m = bpf_map_lookup_elem(&metrics, &index);

	/* Per-CPU and tc runs with bottom halves off: plain increments are safe. */
	if (m) {
		m->packets++;
		m->bytes += len;
	}
}

static __always_inline void count_event_loss(void)
{
	__u32 zero = 0;
	__u64 *losses = bpf_map_lookup_elem(&event_losses, &zero);

	if (losses)
		*losses += 1;
}

static __always_inline void emit_flow_event(const struct flow_ctx *ctx, const struct decision *d)
{
	__u32 ep_identity = ctx->ep ? ctx->ep->identity : 0;
	struct flow_event *e;
	__u64 queued, threshold;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_event_loss();
		return;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->timestamp_ns = bpf_ktime_get_ns();
	e->ep_id = ctx->ep ? ctx->ep->ep_id : 0;
	e->ifindex = ctx->ifindex;
	e->src_identity = ctx->dir == DIR_EGRESS ? ep_identity : ctx->peer_identity;
	e->dst_identity = ctx->dir == DIR_EGRESS ? ctx->peer_identity : ep_identity;
	e->saddr = ctx->pkt.saddr;
	e->daddr = ctx->pkt.daddr;
	e->sport = ctx->pkt.sport;
	e->dport = ctx->pkt.dport;
	e->protocol = ctx->pkt.protocol;
	e->verdict = d->verdict;
	e->reason = d->reason;
	e->direction = ctx->dir;
	e->tcp_flags = ctx->pkt.tcp_flags;
	e->is_reply = ctx->is_reply;
	e->rule_ref = d->rule_ref;
	e->packet_len = ctx->pkt.len;

	/*
	 * Waking the reader per event costs packet rate; wake it only when a
	 * batch is worth it (a quarter of a small ring at most).
	 */
	queued = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	threshold = bpf_ringbuf_query(&events, BPF_RB_RING_SIZE) / 4;
	if (threshold > EVENTS_WAKEUP_BYTES)
		threshold = EVENTS_WAKEUP_BYTES;
	bpf_ringbuf_submit(e, queued >= threshold ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

static __always_inline __u32 flow_event_mode(void)
{
	__u32 zero = 0;
	const struct flow_config *config = bpf_map_lookup_elem(&flow_config, &zero);

	return config ? config->event_mode : EVENT_MODE_CONNECTIONS;
}

/*
 * Accounts the decision and turns it into the tc action. new_or_drop: the
 * packet opens a connection or is dropped (an event in connections mode);
 * 0 for a packet of a known connection (an event in packets mode only).
 */
static __always_inline int flow_finish(const struct flow_ctx *ctx, const struct decision *d, int new_or_drop)
{
	__u32 mode;

	metrics_count(d->verdict, ctx->dir, d->reason, ctx->pkt.len);
	mode = flow_event_mode();
	if (mode == EVENT_MODE_PACKETS || (new_or_drop && mode == EVENT_MODE_CONNECTIONS))
		emit_flow_event(ctx, d);
	return d->verdict == VERDICT_DROPPED ? TC_ACT_SHOT : TC_ACT_OK;
}

static __always_inline int flow_drop(const struct flow_ctx *ctx, enum drop_reason reason)
{
	struct decision d = { .verdict = VERDICT_DROPPED, .reason = reason };

	return flow_finish(ctx, &d, 1);
}

/* Packets of known connections (and ARP) pass: counted, an event only in packets mode. */
static __always_inline int flow_pass_established(const struct flow_ctx *ctx)
{
	struct decision d = { .verdict = VERDICT_FORWARDED, .reason = DROP_NONE, .rule_ref = ctx->ct_rule_ref };

	return flow_finish(ctx, &d, 0);
}

#endif /* SEPTUM_FLOW_H */
