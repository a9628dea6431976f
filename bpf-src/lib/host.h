/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The host endpoint: the node itself, as a CiliumClusterwideNetworkPolicy with
 * a nodeSelector sees it. It has an endpoint entry like a pod's, keyed by the
 * node's uplink (the interface toward the other nodes and the gateway; its
 * ep_id is that ifindex) and copied under HOST_ENDPOINT_KEY for the pod
 * programs, with the reserved host identity. Its policy entries, conntrack
 * entries, metrics and flow events are keyed by that ep_id, and it is judged
 * by the same lxc_judge as a pod.
 *
 * "Addressed to the host" means: the ipcache names the address the host
 * identity (the agent writes the node's own addresses so). Judged:
 *   - on the uplink: tc ingress, packets to a host address (host INGRESS);
 *     tc egress, packets from a host address (host EGRESS). Everything else on
 *     the uplink (pod traffic the node forwards) is neither judged nor counted
 *     here: the pods' veths judge it;
 *   - on a pod's veth: a pod's packet to a host address (host INGRESS, after
 *     the pod's egress verdict), and a host's packet into a pod (host EGRESS,
 *     before the pod's ingress verdict). Such packets never cross the uplink.
 * Without a host entry (no host endpoint configured) the host is not judged,
 * as before host policies existed; with one, a direction no policy isolates
 * has the usual allow-all entry.
 */
#ifndef SEPTUM_HOST_H
#define SEPTUM_HOST_H

#include "lxc.h"

/* endpoints[HOST_ENDPOINT_KEY]: the host endpoint's entry (no interface has ifindex 0). */
#define HOST_ENDPOINT_KEY 0

/* Returned when the host is not a party to the packet: the caller goes on as without host policy. */
#define HOST_NOT_INVOLVED -1

static __always_inline int is_host_address(__be32 addr)
{
	return ipcache_identity(addr) == IDENTITY_HOST;
}

/*
 * The host endpoint's verdict in host_dir on a packet a pod program parsed,
 * whose host-side address is host_addr (its ipcache identity host_identity
 * when the caller knows it, else 0); HOST_NOT_INVOLVED if that is no host
 * address or there is no host endpoint. The endpoint entry is looked up
 * first: without a host endpoint a pod's packet costs one hash lookup more,
 * no LPM lookup.
 */
static __always_inline int host_judge_pod_packet(const struct flow_ctx *pod, __u8 host_dir, __be32 host_addr,
						 __u32 host_identity)
{
	struct endpoint_key key = { .ifindex = HOST_ENDPOINT_KEY };
	struct endpoint_info *entry;
	struct endpoint_info host;
	struct flow_ctx ctx;

	entry = bpf_map_lookup_elem(&endpoints, &key);
	if (!entry)
		return HOST_NOT_INVOLVED;
	if (host_identity == 0)
		host_identity = ipcache_identity(host_addr);
	if (host_identity != IDENTITY_HOST)
		return HOST_NOT_INVOLVED;
	host = *entry; /* a copy, as in lxc_handle */
	__builtin_memset(&ctx, 0, sizeof(ctx));
	ctx.skb = pod->skb;
	ctx.ep = &host;
	ctx.ifindex = host.ep_id;
	ctx.pkt = pod->pkt;
	ctx.dir = host_dir;
	return lxc_judge(&ctx);
}

/* A packet crossing the uplink in dir (INGRESS: arriving at the node, EGRESS: leaving it). */
static __always_inline int host_handle_uplink(struct __sk_buff *skb, __u8 dir)
{
	struct flow_ctx ctx = { .skb = skb, .ifindex = skb->ifindex, .dir = dir };
	struct endpoint_key key = { .ifindex = skb->ifindex };
	struct endpoint_info *entry;
	struct endpoint_info host;
	enum drop_reason parsed;

	entry = bpf_map_lookup_elem(&endpoints, &key);
	if (!entry)
		return TC_ACT_OK; /* no host endpoint (yet): the host is not judged */
	parsed = parse_packet(skb, &ctx.pkt);
	if (ctx.pkt.is_arp)
		return TC_ACT_OK;
	/* Addresses are parsed before any IPv4 drop reason; other ethertypes leave them 0: no host address. */
	if (!is_host_address(dir == DIR_INGRESS ? ctx.pkt.daddr : ctx.pkt.saddr))
		return TC_ACT_OK;
	host = *entry;
	ctx.ep = &host;
	if (parsed != DROP_NONE)
		return flow_drop(&ctx, parsed);
	return lxc_judge(&ctx);
}

#endif /* SEPTUM_HOST_H */
