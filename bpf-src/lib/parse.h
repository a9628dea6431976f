/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Packet parsing. Headers are copied with bpf_skb_load_bytes, so it works on
 * non-linear skbs (GSO, paged data) without bpf_skb_pull_data.
 */
#ifndef SEPTUM_PARSE_H
#define SEPTUM_PARSE_H

#include "common.h"

struct packet {
	__u32 len; /* skb->len, L2 header included */
	__be32 saddr;
	__be32 daddr;
	__be16 sport;       /* TCP/UDP/SCTP source port; ICMP echo: echo id; else 0 */
	__be16 dport;       /* TCP/UDP/SCTP destination port; ICMP echo: echo id; else 0 */
	__be16 policy_port; /* what policy matches on: the destination port, the ICMP type, or 0 */
	__u8 protocol;
	__u8 tcp_flags;
	__u8 is_arp;
	__u8 ct_lookup; /* may belong to a tracked connection */
	__u8 ct_create; /* may open a tracked connection */
};

#define SCTP_COMMON_HLEN 12

/* The ICMP header as far as Septum reads it (struct icmphdr of linux/icmp.h, see common.h). */
struct icmp_echo_hdr {
	__u8 type;
	__u8 code;
	__sum16 checksum;
	__be16 id; /* echo request/reply only */
	__be16 sequence;
};

static __always_inline enum drop_reason parse_l4(struct __sk_buff *skb, struct packet *p, __u32 off, __u32 len)
{
	switch (p->protocol) {
	case IPPROTO_TCP: {
		struct tcphdr tcp;

		if (len < sizeof(tcp) || bpf_skb_load_bytes(skb, off, &tcp, sizeof(tcp)) < 0)
			return DROP_MALFORMED_PACKET;
		if (tcp.doff < 5 || tcp.doff * 4 > len)
			return DROP_MALFORMED_PACKET;
		p->sport = tcp.source;
		p->dport = tcp.dest;
		p->policy_port = tcp.dest;
		p->tcp_flags = ((__u8 *)&tcp)[13];
		break;
	}
	case IPPROTO_UDP:
	case IPPROTO_SCTP: {
		/* Both start with the source and destination ports. */
		__be16 ports[2];

		if (len < (p->protocol == IPPROTO_UDP ? sizeof(struct udphdr) : SCTP_COMMON_HLEN) ||
		    bpf_skb_load_bytes(skb, off, ports, sizeof(ports)) < 0)
			return DROP_MALFORMED_PACKET;
		p->sport = ports[0];
		p->dport = ports[1];
		p->policy_port = ports[1];
		break;
	}
	case IPPROTO_ICMP: {
		struct icmp_echo_hdr icmp;

		if (len < sizeof(icmp) || bpf_skb_load_bytes(skb, off, &icmp, sizeof(icmp)) < 0)
			return DROP_MALFORMED_PACKET;
		p->policy_port = bpf_htons(icmp.type);
		if (icmp.type == ICMP_ECHO || icmp.type == ICMP_ECHOREPLY) {
			p->sport = icmp.id;
			p->dport = icmp.id;
		} else {
			/* Errors and the rest are judged per packet, never tracked. */
			p->ct_lookup = 0;
		}
		/* Only an echo request opens a connection; an unsolicited reply is judged per packet. */
		p->ct_create = icmp.type == ICMP_ECHO;
		break;
	}
	default:
		/* No ports: connections are tracked per peer and protocol. */
		break;
	}
	return DROP_NONE;
}

/*
 * Fills *p as far as the packet allows (also when it returns a drop reason, so a
 * drop event shows what was seen). Returns DROP_NONE for IPv4 and ARP.
 */
static __always_inline enum drop_reason parse_packet(struct __sk_buff *skb, struct packet *p)
{
	struct iphdr ip;
	__be16 eth_proto;
	__u32 hdr_len, ip_len;

	p->len = skb->len;
	p->ct_lookup = 1;
	p->ct_create = 1;

	if (bpf_skb_load_bytes(skb, offsetof(struct ethhdr, h_proto), &eth_proto, sizeof(eth_proto)) < 0)
		return DROP_MALFORMED_PACKET;
	if (eth_proto == bpf_htons(ETH_P_ARP)) {
		p->is_arp = 1;
		return DROP_NONE;
	}
	if (eth_proto != bpf_htons(ETH_P_IP))
		return DROP_UNSUPPORTED_L3;

	if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip, sizeof(ip)) < 0)
		return DROP_MALFORMED_PACKET;
	if (ip.version != 4 || ip.ihl < 5)
		return DROP_MALFORMED_PACKET;
	p->saddr = ip.saddr;
	p->daddr = ip.daddr;
	p->protocol = ip.protocol;

	hdr_len = ip.ihl * 4;
	ip_len = bpf_ntohs(ip.tot_len);
	if (ip_len == 0 && skb->gso_size)
		ip_len = skb->len - ETH_HLEN; /* BIG TCP: a GSO packet over 64 KiB has tot_len 0 */
	if (ip_len < hdr_len || ip_len > skb->len - ETH_HLEN)
		return DROP_MALFORMED_PACKET;
	if (ip.frag_off & bpf_htons(IP_MF | IP_OFFSET))
		return DROP_FRAGMENT_UNSUPPORTED;

	return parse_l4(skb, p, ETH_HLEN + hdr_len, ip_len - hdr_len);
}

#endif /* SEPTUM_PARSE_H */
