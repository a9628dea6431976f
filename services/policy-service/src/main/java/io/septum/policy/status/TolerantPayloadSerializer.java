package io.septum.policy.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkiverse.reactive.messaging.nats.jetstream.client.mapper.Serializer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Replaces the messaging extension's serializer (a default bean) so that an unreadable payload becomes a
 * null payload instead of an exception. With the extension's own, one malformed report fails the whole
 * subscription, and the extension cannot subscribe again (the old push subscription stays bound to the
 * consumer: SUB-90012); since the stream keeps that report as its node's latest, status consumption
 * would stop until the node reports again and the service restarts. {@link NodeStatusConsumer} skips
 * null payloads.
 */
@ApplicationScoped
public class TolerantPayloadSerializer implements Serializer {

    private static final Logger LOG = Logger.getLogger(TolerantPayloadSerializer.class);

    @Inject
    ObjectMapper mapper;

    @Override
    public <T> T readValue(byte[] data, Class<T> type) {
        try {
            return mapper.readValue(data, type);
        } catch (IOException e) {
            LOG.debugf("unreadable %s payload: %s", type.getSimpleName(), e.getMessage());
            return null;
        }
    }

    @Override
    public <T> byte[] toBytes(T payload) {
        if (payload == null) {
            return new byte[0];
        }
        if (payload instanceof byte[] bytes) {
            return bytes;
        }
        try {
            return mapper.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
