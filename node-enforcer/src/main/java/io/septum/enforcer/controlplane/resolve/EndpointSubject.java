package io.septum.enforcer.controlplane.resolve;

import io.septum.model.kv.NamedPort;
import io.septum.model.labels.Labels;

import java.util.List;

/** What policy resolution needs to know of a local endpoint: its identity, labels and named ports. */
public record EndpointSubject(int identity, Labels labels, List<NamedPort> namedPorts) {

    public EndpointSubject {
        namedPorts = List.copyOf(namedPorts);
    }
}
