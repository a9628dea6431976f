/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one definition of the flow event modes: which packets emit a flow event.
 * The node's mode is the event_mode of the flow_config map (maps.h), written by
 * the enforcer; the Java enum io.septum.enforcer.datapath.EventMode mirrors this
 * list (a test compares them, from this file packaged beside the object).
 *
 * CONNECTIONS is 0 so that a fresh (zeroed) flow_config means the default.
 * Codes are stable: append, never renumber.
 */
#ifndef SEPTUM_EVENT_MODES_H
#define SEPTUM_EVENT_MODES_H

enum event_mode {
	EVENT_MODE_CONNECTIONS = 0, /* one event per new connection and per drop */
	EVENT_MODE_OFF = 1,         /* no events; metrics still count every packet */
	EVENT_MODE_PACKETS = 2,     /* one event per packet: trace mode */
};

#endif /* SEPTUM_EVENT_MODES_H */
