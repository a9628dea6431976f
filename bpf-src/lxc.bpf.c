/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Programs for a pod's host-side veth (the node's end of the pod's link), and
 * for the node's uplink (the host endpoint, host.h).
 */
#include "lib/host.h"
#include "lib/local.h"
#include "lib/lxc.h"

/*
 * tc ingress of the host-side veth: packets leaving the pod. Those for the
 * node itself are judged for the host endpoint too; those for another pod of
 * this node for both endpoints here, and delivered directly.
 */
SEC("tc")
int from_container(struct __sk_buff *skb)
{
	struct flow_ctx ctx = { .skb = skb, .ifindex = skb->ifindex, .dir = DIR_EGRESS };
	struct endpoint_info ep;
	int verdict = lxc_handle(&ctx, &ep);

	if (verdict != TC_ACT_OK || ctx.pkt.is_arp)
		return verdict;
	/* The pod's verdict resolved the destination's ipcache identity (or took it from the connection). */
	verdict = host_judge_pod_packet(&ctx, DIR_INGRESS, ctx.pkt.daddr, ctx.peer_identity);
	if (verdict != HOST_NOT_INVOLVED)
		return verdict; /* the host's own address: the node's stack takes it in */
	return local_deliver(&ctx);
}

/*
 * tc egress of the host-side veth: packets heading into the pod (from the
 * stack). One the node itself sends is judged as the host endpoint's egress
 * first, then as the pod's ingress.
 */
SEC("tc")
int to_container(struct __sk_buff *skb)
{
	struct flow_ctx ctx = { .skb = skb, .ifindex = skb->ifindex, .dir = DIR_INGRESS };
	struct endpoint_info ep;
	int verdict = lxc_prepare(&ctx, &ep);

	if (verdict != LXC_JUDGE)
		return verdict;
	verdict = host_judge_pod_packet(&ctx, DIR_EGRESS, ctx.pkt.saddr, 0);
	if (verdict != HOST_NOT_INVOLVED && verdict != TC_ACT_OK)
		return verdict;
	return lxc_judge(&ctx);
}

/* tc ingress of the node's uplink: packets arriving at the node; those to the host itself are judged. */
SEC("tc")
int from_netdev(struct __sk_buff *skb)
{
	return host_handle_uplink(skb, DIR_INGRESS);
}

/* tc egress of the node's uplink: packets leaving the node; those the host itself sends are judged. */
SEC("tc")
int to_netdev(struct __sk_buff *skb)
{
	return host_handle_uplink(skb, DIR_EGRESS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
