package io.septum.policy.status;

import io.quarkiverse.reactive.messaging.nats.jetstream.client.api.SubscribeMessageMetadata;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.NodeStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Receives the enforcers' {@link NodeStatus} reports from the stream {@value Buckets#STATUS_STREAM}
 * (channel "node-status", see application.properties): at start the latest report of every node, then
 * each new one. The node is named by the subject ({@code status.<node>}), which is what the stream keeps
 * one message of; the time is when NATS stored the report.
 */
@ApplicationScoped
public class NodeStatusConsumer {

    private static final Logger LOG = Logger.getLogger(NodeStatusConsumer.class);

    @Inject
    NodeStatusRegistry registry;

    @Incoming("node-status")
    public CompletionStage<Void> receive(Message<NodeStatus> message) {
        Optional<SubscribeMessageMetadata> metadata = message.getMetadata(SubscribeMessageMetadata.class);
        String subject = metadata.map(SubscribeMessageMetadata::subject).orElse("");
        NodeStatus status = message.getPayload();
        if (!subject.startsWith(Buckets.STATUS_SUBJECT_PREFIX) || status == null) {
            LOG.warnf("ignoring the report on subject '%s': %s", subject,
                    status == null ? "not a NodeStatus in JSON" : "not a status subject");
            return message.ack();
        }
        Instant at = metadata.map(SubscribeMessageMetadata::timestamp).map(t -> t.toInstant()).orElseGet(Instant::now);
        registry.record(subject.substring(Buckets.STATUS_SUBJECT_PREFIX.length()), status, at);
        // Acknowledged without waiting: the connector's ack is a blocking round trip to NATS, and waiting for it held every
        // next report back (with 100 nodes, a change's reports were counted hundreds of ms after they arrived). A report
        // whose ack is lost comes again after the ack wait, and the registry keeps the later of two.
        message.ack().whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.debugf("acknowledge the report on '%s': %s", subject, failure);
            }
        });
        return CompletableFuture.completedFuture(null);
    }
}
