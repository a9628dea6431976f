/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The pod datapath: judges every packet crossing a pod's host-side veth.
 *
 *   endpoint lookup -> parse -> source check (egress) -> conntrack -> peer identities -> policy
 *
 * (and, for a pod-to-pod packet on this node, local.h: the destination's
 * ingress verdict right away, then straight into the destination pod).
 *
 * Invariants: every packet is counted in exactly one metrics cell; in the
 * default event mode every drop and every new connection (forwarded or audited)
 * emits one flow event, packets of known connections emit none (flow.h: the
 * modes); nothing but a DROPPED verdict drops.
 */
#ifndef SEPTUM_LXC_H
#define SEPTUM_LXC_H

#include "common.h"
#include "conntrack.h"
#include "flow.h"
#include "ipcache.h"
#include "maps.h"
#include "parse.h"
#include "policy.h"

/*
 * Returns 1 if the packet belongs to a live connection that policy still
 * allows (and accounts it there), 0 if it has to be judged as a new packet.
 * A connection whose endpoint changed policy since it was last checked is
 * re-checked against the policy of its opening direction; if that no longer
 * allows it, the entry is deleted, which makes revocation immediate for open
 * connections and for ports reused by a new connection alike.
 */
static __always_inline int lxc_track_existing(struct flow_ctx *ctx, __u64 now)
{
	const struct endpoint_info *ep = ctx->ep;
	struct peer_identities peer;
	struct decision d;
	struct ct_key key;
	struct ct_value *v;

	ct_build_key(&key, ep->ep_id, &ctx->pkt, ctx->dir, ctx->dir);
	v = ct_lookup_live(&key, now);
	if (v && ct_is_reopened(v, &ctx->pkt)) {
		bpf_map_delete_elem(&ct, &key);
		return 0;
	}
	if (!v) {
		key.conn_dir = other_direction(ctx->dir);
		v = ct_lookup_live(&key, now);
		if (!v)
			return 0;
		ctx->is_reply = 1;
	}

	if (v->policy_epoch != ep->policy_epoch) {
		/* The peer's current identities: a relabel or a new except prefix may have changed them. */
		peer_resolve(key.peer_addr, &peer);
		policy_decide(ep, &peer, key.conn_dir, key.protocol, ct_policy_port(&key), &d);
		if (d.verdict == VERDICT_DROPPED) {
			bpf_map_delete_elem(&ct, &key);
			return 0;
		}
		v->policy_epoch = ep->policy_epoch;
		v->peer_identity = peer.identity;
		v->rule_ref = d.rule_ref;
	}
	ct_refresh(v, &ctx->pkt, now);
	/* For the packets mode's events: who the peer is and what allowed the connection. */
	ctx->peer_identity = v->peer_identity;
	ctx->ct_rule_ref = v->rule_ref;
	return 1;
}

/*
 * The verdict of ctx->ep on a parsed IPv4 packet in ctx->dir: conntrack, then
 * the policy for a new connection. Accounts it (metrics, flow event).
 */
static __always_inline int lxc_judge(struct flow_ctx *ctx)
{
	const struct endpoint_info *ep = ctx->ep;
	struct peer_identities peer;
	struct decision d;
	struct ct_key key;
	__u64 now = bpf_ktime_get_ns();

	if (ctx->pkt.ct_lookup && lxc_track_existing(ctx, now))
		return flow_pass_established(ctx);

	peer_resolve(ctx->dir == DIR_EGRESS ? ctx->pkt.daddr : ctx->pkt.saddr, &peer);
	ctx->peer_identity = peer.identity;
	policy_decide(ep, &peer, ctx->dir, ctx->pkt.protocol, ctx->pkt.policy_port, &d);
	if (d.verdict != VERDICT_DROPPED && ctx->pkt.ct_create) {
		ct_build_key(&key, ep->ep_id, &ctx->pkt, ctx->dir, ctx->dir);
		ct_create(&key, &ctx->pkt, ep->policy_epoch, ctx->peer_identity, d.rule_ref, now);
	}
	return flow_finish(ctx, &d, 1);
}

/* lxc_prepare's answer when the packet still has to be judged (lxc_judge). */
#define LXC_JUDGE -1

/*
 * The packet as the endpoint behind its interface sees it, in ctx->dir, up to
 * its judgement: endpoint, parse, source check. Returns the tc action for a
 * packet settled here (unknown endpoint, parse drop, ARP, spoofed source), or
 * LXC_JUDGE. *ep receives a copy of the endpoint entry (user space may replace
 * the entry while the packet is judged) and ctx->ep points to it once it is known.
 */
static __always_inline int lxc_prepare(struct flow_ctx *ctx, struct endpoint_info *ep)
{
	struct endpoint_key ep_key = { .ifindex = ctx->ifindex };
	struct endpoint_info *ep_entry;
	enum drop_reason parsed;

	/* Parse first so that even a drop of an unknown endpoint's packet shows its addresses. */
	ep_entry = bpf_map_lookup_elem(&endpoints, &ep_key);
	parsed = parse_packet(ctx->skb, &ctx->pkt);
	if (!ep_entry)
		return flow_drop(ctx, DROP_UNKNOWN_ENDPOINT);
	*ep = *ep_entry;
	ctx->ep = ep;
	if (parsed != DROP_NONE)
		return flow_drop(ctx, parsed);
	if (ctx->pkt.is_arp)
		return flow_pass_established(ctx);
	if (ctx->dir == DIR_EGRESS && ctx->pkt.saddr != ep->ipv4)
		return flow_drop(ctx, DROP_INVALID_SOURCE_IP);
	return LXC_JUDGE;
}

/* lxc_prepare, then lxc_judge: the endpoint's whole verdict on the packet. */
static __always_inline int lxc_handle(struct flow_ctx *ctx, struct endpoint_info *ep)
{
	int verdict = lxc_prepare(ctx, ep);

	return verdict == LXC_JUDGE ? lxc_judge(ctx) : verdict;
}

#endif /* SEPTUM_LXC_H */
