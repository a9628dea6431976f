/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one definition of Septum's drop reasons. Everything else is generated
 * from this list: the C enum below, and (checked by a test) the Java enum
 * io.septum.enforcer.datapath.DropReason that the CLI, the flow API and the
 * metrics show. Codes are stable forever: never renumber, only append.
 * Codes must stay below 256 (they index the metrics map).
 *
 * X(code, NAME, "description")
 */
#ifndef SEPTUM_DROP_REASONS_H
#define SEPTUM_DROP_REASONS_H

#define SEPTUM_DROP_REASONS(X)                                                 \
	X(0, NONE, "none (forwarded)")                                         \
	X(1, POLICY_DENIED, "no policy rule allows it (default deny)")         \
	X(2, POLICY_DENY_RULE, "denied by a deny rule")                        \
	X(3, UNKNOWN_ENDPOINT, "interface is not a known endpoint")            \
	X(4, INVALID_SOURCE_IP, "source address is not the endpoint's")        \
	X(5, UNSUPPORTED_L3, "unsupported L3 protocol")                        \
	X(6, MALFORMED_PACKET, "truncated or invalid headers")                 \
	X(7, FRAGMENT_UNSUPPORTED, "IP fragments are not supported")

enum drop_reason {
#define SEPTUM_DROP_REASON_ENUM(code, name, description) DROP_##name = code,
	SEPTUM_DROP_REASONS(SEPTUM_DROP_REASON_ENUM)
#undef SEPTUM_DROP_REASON_ENUM
};

#define SEPTUM_DROP_REASON_CHECK(code, name, description)                     \
	_Static_assert((code) >= 0 && (code) < 256, "drop reason " #name " must fit the metrics index");
SEPTUM_DROP_REASONS(SEPTUM_DROP_REASON_CHECK)
#undef SEPTUM_DROP_REASON_CHECK

#endif /* SEPTUM_DROP_REASONS_H */
