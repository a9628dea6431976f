package io.septum.model.kv;

/** A container port with a name, as NetworkPolicy named ports refer to it. */
public record NamedPort(String name, int port, String protocol) {
}
