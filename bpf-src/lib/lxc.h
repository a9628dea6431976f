/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The pod datapath: judges every packet crossing a pod's host-side veth.
 *
 *   endpoint lookup -> parse -> source check (egress) -> conntrack -> peer identities -> policy
 *
 * Invariants: every packet is counted in exactly one metrics cell; every drop
 * and every new connection (forwarded or audited) emits one flow event, packets
 * of known connections emit none; nothing but a DROPPED verdict drops.
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
	return 1;
}

static __always_inline int lxc_handle(struct __sk_buff *skb, __u8 dir)
{
	struct endpoint_key ep_key = { .ifindex = skb->ifindex };
	struct flow_ctx ctx = { .skb = skb, .dir = dir };
	struct endpoint_info *ep_entry;
	struct peer_identities peer;
	struct endpoint_info ep;
	enum drop_reason parsed;
	struct decision d;
	struct ct_key key;
	__u64 now;

	/* Parse first so that even a drop of an unknown endpoint's packet shows its addresses. */
	ep_entry = bpf_map_lookup_elem(&endpoints, &ep_key);
	parsed = parse_packet(skb, &ctx.pkt);
	if (!ep_entry)
		return flow_drop(&ctx, DROP_UNKNOWN_ENDPOINT);
	/* A copy: user space may replace the entry while this packet is judged. */
	ep = *ep_entry;
	ctx.ep = &ep;
	if (parsed != DROP_NONE)
		return flow_drop(&ctx, parsed);
	if (ctx.pkt.is_arp)
		return flow_pass_established(&ctx);
	if (dir == DIR_EGRESS && ctx.pkt.saddr != ep.ipv4)
		return flow_drop(&ctx, DROP_INVALID_SOURCE_IP);

	now = bpf_ktime_get_ns();
	if (ctx.pkt.ct_lookup && lxc_track_existing(&ctx, now))
		return flow_pass_established(&ctx);

	peer_resolve(dir == DIR_EGRESS ? ctx.pkt.daddr : ctx.pkt.saddr, &peer);
	ctx.peer_identity = peer.identity;
	policy_decide(&ep, &peer, dir, ctx.pkt.protocol, ctx.pkt.policy_port, &d);
	if (d.verdict != VERDICT_DROPPED && ctx.pkt.ct_create) {
		ct_build_key(&key, ep.ep_id, &ctx.pkt, dir, dir);
		ct_create(&key, &ctx.pkt, ep.policy_epoch, ctx.peer_identity, d.rule_ref, now);
	}
	return flow_finish(&ctx, &d, 1);
}

#endif /* SEPTUM_LXC_H */
