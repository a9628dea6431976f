/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Programs for a pod's host-side veth (the node's end of the pod's link). */
#include "lib/lxc.h"

/* tc ingress of the host-side veth: packets leaving the pod. */
SEC("tc")
int from_container(struct __sk_buff *skb)
{
	return lxc_handle(skb, DIR_EGRESS);
}

/* tc egress of the host-side veth: packets heading into the pod. */
SEC("tc")
int to_container(struct __sk_buff *skb)
{
	return lxc_handle(skb, DIR_INGRESS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
