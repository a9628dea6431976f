/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Includes, constants and small helpers shared by every Septum program. */
#ifndef SEPTUM_COMMON_H
#define SEPTUM_COMMON_H

#include <stddef.h>
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "drop_reasons.h"
#include "event_modes.h"

/* Direction from the pod's point of view. Mirrored by the Java enum Direction. */
enum direction {
	DIR_INGRESS = 0, /* toward the pod: tc egress hook of the host-side veth */
	DIR_EGRESS = 1,  /* from the pod: tc ingress hook of the host-side veth */
};

/* Mirrored by the Java enum Verdict. */
enum verdict {
	VERDICT_FORWARDED = 0,
	VERDICT_DROPPED = 1,
	VERDICT_AUDIT = 2, /* a policy drop let through: the endpoint audits that direction */
};

/* Reserved identities (same numbers as Cilium). */
#define IDENTITY_ANY 0   /* in policy keys: any peer */
#define IDENTITY_HOST 1  /* the node itself (host.h: the host endpoint) */
#define IDENTITY_WORLD 2 /* a peer with no ipcache entry */

#define NSEC_PER_SEC 1000000000ULL

/*
 * linux/icmp.h is not included: it pulls linux/if.h -> sys/socket.h, glibc
 * headers that cannot be compiled for the bpf target. Its two echo types:
 */
#define ICMP_ECHOREPLY 0
#define ICMP_ECHO 8

#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif

/* IPv4 frag_off bits, host order (linux/ip.h only has them in net/ip.h). */
#define IP_MF 0x2000
#define IP_OFFSET 0x1fff

/* TCP flag bits as in byte 13 of the TCP header. */
#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_RST 0x04
#define TCP_FLAG_ACK 0x10

static __always_inline __u8 other_direction(__u8 dir)
{
	return dir == DIR_EGRESS ? DIR_INGRESS : DIR_EGRESS;
}

#endif /* SEPTUM_COMMON_H */
