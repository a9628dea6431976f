/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Local delivery: a packet from a pod to another pod of the same node skips the
 * node's IP stack, as Cilium's does. from_container, having forwarded it as the
 * source's egress, judges it right away as the destination's ingress (the same
 * conntrack and policy code with the destination's endpoint entry, its metrics
 * and flow events, exactly what to_container would do), rewrites what the
 * node's forwarding would (MACs, TTL) and hands it straight to the destination
 * pod's eth0 with bpf_redirect_peer: no routing, no second veth transmit and
 * backlog round, no to_container run.
 *
 * "Local" is decided by the node's own forwarding state: a FIB lookup as
 * forwarding would make it (forwarding enabled on the interface, routes, a
 * resolved neighbour: its MAC is the destination pod's) that ends on the
 * host-side veth of an endpoint. Anything else (other nodes, the host, an
 * unresolved neighbour, TTL running out, headers outside the linear area)
 * takes the stack as before and is judged by to_container there. Either way a
 * packet is judged once per endpoint.
 */
#ifndef SEPTUM_LOCAL_H
#define SEPTUM_LOCAL_H

#include "flow.h"
#include "lxc.h"
#include "maps.h"

#define SEPTUM_AF_INET 2 /* sys/socket.h is not available for the bpf target (see common.h) */

/* The kernel's ip_decrease_ttl(): the header checksum follows the TTL incrementally. */
static __always_inline void local_decrease_ttl(struct iphdr *ip)
{
	__u32 check = (__u32)ip->check + (__u32)bpf_htons(0x0100);

	ip->check = (__sum16)(check + (check >= 0xFFFF));
	ip->ttl--;
}

/*
 * After from_container forwarded an IPv4 packet of ctx->ep: delivers it into a
 * local destination pod (its ingress verdict permitting), or returns TC_ACT_OK
 * to let the node's stack route it as before.
 */
static __always_inline int local_deliver(struct flow_ctx *ctx)
{
	struct __sk_buff *skb = ctx->skb;
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + ETH_HLEN;
	struct endpoint_info *dst_entry;
	struct endpoint_key dst_key;
	struct bpf_fib_lookup fib;
	struct endpoint_info dst;
	struct flow_ctx in;
	int verdict;

	if ((void *)(ip + 1) > data_end || ip->ttl <= 1)
		return TC_ACT_OK; /* the stack sends the ICMP time exceeded */

	__builtin_memset(&fib, 0, sizeof(fib));
	fib.family = SEPTUM_AF_INET;
	fib.tos = ip->tos;
	fib.l4_protocol = ctx->pkt.protocol;
	fib.sport = ctx->pkt.sport;
	fib.dport = ctx->pkt.dport;
	fib.ipv4_src = ctx->pkt.saddr;
	fib.ipv4_dst = ctx->pkt.daddr;
	fib.ifindex = ctx->ifindex;
	/* tot_len 0: the kernel checks the skb against the egress MTU itself, GSO packets included. */
	if (bpf_fib_lookup(skb, &fib, sizeof(fib), 0) != BPF_FIB_LKUP_RET_SUCCESS)
		return TC_ACT_OK;
	dst_key.ifindex = fib.ifindex;
	dst_entry = bpf_map_lookup_elem(&endpoints, &dst_key);
	/* The host endpoint's entry is the uplink's: a packet leaving through it goes to another node or the world. */
	if (!dst_entry || dst_entry->identity == IDENTITY_HOST)
		return TC_ACT_OK; /* another node, or the host: routed as before */

	/*
	 * Rewritten before the destination's verdict: nothing can fail after it,
	 * and a packet the destination drops is gone anyway.
	 */
	__builtin_memcpy(eth->h_dest, fib.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib.smac, ETH_ALEN);
	local_decrease_ttl(ip);

	dst = *dst_entry; /* a copy, as in lxc_handle */
	__builtin_memset(&in, 0, sizeof(in));
	in.skb = skb;
	in.ep = &dst;
	in.ifindex = fib.ifindex;
	in.pkt = ctx->pkt;
	in.dir = DIR_INGRESS;
	verdict = lxc_judge(&in);
	if (verdict != TC_ACT_OK)
		return verdict;
	return bpf_redirect_peer(fib.ifindex, 0);
}

#endif /* SEPTUM_LOCAL_H */
