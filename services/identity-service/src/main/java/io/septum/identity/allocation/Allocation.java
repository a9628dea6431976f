package io.septum.identity.allocation;

/** The outcome of one allocation: the identity, and whether this call created it. */
public record Allocation(Identity identity, boolean created) {
}
