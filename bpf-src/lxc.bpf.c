/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Programs for a pod's host-side veth (the node's end of the pod's link). */
#include "lib/local.h"
#include "lib/lxc.h"

/*
 * tc ingress of the host-side veth: packets leaving the pod. Those for another
 * pod of this node are judged for both endpoints here and delivered directly.
 */
SEC("tc")
int from_container(struct __sk_buff *skb)
{
	struct flow_ctx ctx = { .skb = skb, .ifindex = skb->ifindex, .dir = DIR_EGRESS };
	struct endpoint_info ep;
	int verdict = lxc_handle(&ctx, &ep);

	if (verdict != TC_ACT_OK || ctx.pkt.is_arp)
		return verdict;
	return local_deliver(&ctx);
}

/* tc egress of the host-side veth: packets heading into the pod (from the stack). */
SEC("tc")
int to_container(struct __sk_buff *skb)
{
	struct flow_ctx ctx = { .skb = skb, .ifindex = skb->ifindex, .dir = DIR_INGRESS };
	struct endpoint_info ep;

	return lxc_handle(&ctx, &ep);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
