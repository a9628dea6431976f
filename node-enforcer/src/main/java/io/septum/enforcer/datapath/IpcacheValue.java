package io.septum.enforcer.datapath;

import java.net.Inet4Address;

/**
 * What an ipcache prefix maps to (struct ipcache_value).
 *
 * @param identity    security identity of the addresses in the prefix
 * @param nodeAddress the node hosting them, or null when none/unknown (stored as 0.0.0.0)
 * @param flags       reserved, 0
 */
public record IpcacheValue(int identity, Inet4Address nodeAddress, int flags) {
}
