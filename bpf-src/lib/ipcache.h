/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Address -> security identity. */
#ifndef SEPTUM_IPCACHE_H
#define SEPTUM_IPCACHE_H

#include "maps.h"

/* Longest-prefix match of addr; an address no prefix covers is the world. */
static __always_inline __u32 ipcache_identity(__be32 addr)
{
	struct ipcache_key key = { .prefixlen = 32, .addr = addr };
	struct ipcache_value *value = bpf_map_lookup_elem(&ipcache, &key);

	return value ? value->identity : IDENTITY_WORLD;
}

#endif /* SEPTUM_IPCACHE_H */
