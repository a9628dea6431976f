/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Address -> the identities policy knows it by. */
#ifndef SEPTUM_IPCACHE_H
#define SEPTUM_IPCACHE_H

#include "maps.h"

/* What a peer address is to policy: who it is, and which policy-named prefix it falls in. */
struct peer_identities {
	__u32 identity;      /* ipcache identity; IDENTITY_WORLD when no ipcache prefix covers it */
	__u32 cidr_identity; /* identity of the longest policy-named prefix containing it; 0 = none */
};

/* Longest-prefix match of addr; an address no prefix covers is the world. */
static __always_inline __u32 ipcache_identity(__be32 addr)
{
	struct ipcache_key key = { .prefixlen = 32, .addr = addr };
	struct ipcache_value *value = bpf_map_lookup_elem(&ipcache, &key);

	return value ? value->identity : IDENTITY_WORLD;
}

/* Longest policy-named prefix containing addr (ipBlock cidr or except); 0 when none does. */
static __always_inline __u32 prefix_identity(__be32 addr)
{
	struct ipcache_key key = { .prefixlen = 32, .addr = addr };
	struct prefix_value *value = bpf_map_lookup_elem(&prefixes, &key);

	return value ? value->identity : 0;
}

static __always_inline void peer_resolve(__be32 addr, struct peer_identities *peer)
{
	peer->identity = ipcache_identity(addr);
	peer->cidr_identity = prefix_identity(addr);
}

#endif /* SEPTUM_IPCACHE_H */
