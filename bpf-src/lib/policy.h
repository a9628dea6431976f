/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Policy decision for the first packet of a connection (and for re-checking an
 * open connection after its endpoint's policy_epoch changed).
 *
 * Up to three longest-prefix lookups, one per identity the peer has: its
 * ipcache identity, its CIDR identity (the longest policy-named prefix
 * containing its address, if any) and identity 0 (any peer). A deny in any of
 * them wins; otherwise an allow in any of them allows, and the most specific
 * hit (ipcache, then CIDR, then any) names the rule. Within one lookup only the
 * longest matching prefix is seen, so user space must not let a more specific
 * allow entry shadow a wider deny entry of the same identity (resolve deny
 * precedence when computing the entries, as Cilium's MapState does).
 */
#ifndef SEPTUM_POLICY_H
#define SEPTUM_POLICY_H

#include "ipcache.h"
#include "maps.h"

struct decision {
	__u8 verdict; /* enum verdict */
	__u8 reason;  /* enum drop_reason; for AUDIT the reason it would have been dropped */
	__u32 rule_ref;
};

static __always_inline __u32 audit_flag(__u8 dir)
{
	return dir == DIR_EGRESS ? EP_F_AUDIT_EGRESS : EP_F_AUDIT_INGRESS;
}

static __always_inline int is_deny(const struct policy_value *v)
{
	return v && (v->flags & POLICY_F_DENY);
}

static __always_inline void policy_decide(const struct endpoint_info *ep, const struct peer_identities *peer, __u8 dir,
					  __u8 protocol, __be16 dport, struct decision *d)
{
	struct policy_key key = {
		.prefixlen = POLICY_PREFIX_FULL,
		.ep_id = ep->ep_id,
		.identity = peer->identity,
		.direction = dir,
		.protocol = protocol,
		.dport = dport,
	};
	struct policy_value *specific, *cidr = NULL, *any;

	specific = bpf_map_lookup_elem(&policy, &key);
	if (peer->cidr_identity != IDENTITY_ANY && peer->cidr_identity != peer->identity) {
		key.identity = peer->cidr_identity;
		cidr = bpf_map_lookup_elem(&policy, &key);
	}
	key.identity = IDENTITY_ANY;
	any = bpf_map_lookup_elem(&policy, &key);

	d->verdict = VERDICT_FORWARDED;
	d->reason = DROP_NONE;
	d->rule_ref = 0;
	if (is_deny(specific)) {
		d->reason = DROP_POLICY_DENY_RULE;
		d->rule_ref = specific->rule_ref;
	} else if (is_deny(cidr)) {
		d->reason = DROP_POLICY_DENY_RULE;
		d->rule_ref = cidr->rule_ref;
	} else if (is_deny(any)) {
		d->reason = DROP_POLICY_DENY_RULE;
		d->rule_ref = any->rule_ref;
	} else if (specific) {
		d->rule_ref = specific->rule_ref;
	} else if (cidr) {
		d->rule_ref = cidr->rule_ref;
	} else if (any) {
		d->rule_ref = any->rule_ref;
	} else {
		d->reason = DROP_POLICY_DENIED;
	}

	if (d->reason != DROP_NONE)
		d->verdict = (ep->flags & audit_flag(dir)) ? VERDICT_AUDIT : VERDICT_DROPPED;
}

#endif /* SEPTUM_POLICY_H */
