package io.septum.policy.status;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.septum.enforcer.agent.status.StatusStream;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.NodeStatus;
import io.septum.policy.nats.ServiceConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Instant;

/**
 * Receives the enforcers' {@link NodeStatus} reports from the stream {@value Buckets#STATUS_STREAM}, as the
 * enforcers watch the buckets: an ordered push consumer of this process's own (ephemeral, no acknowledgements,
 * recreated by the client after a gap or a reconnect), deliver policy last-per-subject — at start the latest report
 * of every node, then each new one as NATS pushes it. The reports are counted on the connection's dispatcher
 * thread, never on the event loop, and nothing waits for a fetch or an acknowledgement: a pull consumer's fetch of
 * 100 reports with a 1 s expiry held a change's last reports back by up to a second. The node is named by the
 * subject ({@code status.<node>}), which is what the stream keeps one message of; the time is when NATS stored
 * the report.
 */
@Readiness
@ApplicationScoped
public class NodeStatusConsumer implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(NodeStatusConsumer.class);
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final long RETRY_MILLIS = 2_000;

    @Inject
    @ServiceConnection
    Connection connection;

    @Inject
    NodeStatusRegistry registry;

    private volatile Dispatcher dispatcher;
    private volatile String failure = "not subscribed yet";
    private Thread starter;

    void start(@Observes StartupEvent event) {
        // Retried until it works (NATS may refuse while it starts): not on the start-up thread.
        starter = Thread.ofPlatform().name("node-status-subscribe").daemon().start(() -> {
            while (dispatcher == null) {
                try {
                    subscribe();
                } catch (IOException | JetStreamApiException | RuntimeException e) {
                    failure = "subscribe to " + Buckets.STATUS_STREAM + ": " + e.getMessage();
                    LOG.warnf("%s; retrying in %d ms", failure, RETRY_MILLIS);
                    try {
                        Thread.sleep(RETRY_MILLIS);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        });
    }

    private void subscribe() throws IOException, JetStreamApiException {
        StatusStream.ensure(connection.jetStreamManagement());
        Dispatcher created = connection.createDispatcher();
        try {
            connection.jetStream().subscribe(Buckets.STATUS_SUBJECT_PREFIX + ">", created, this::receive, false,
                    PushSubscribeOptions.builder().stream(Buckets.STATUS_STREAM).ordered(true)
                            .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.LastPerSubject).build())
                            .build());
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            connection.closeDispatcher(created);
            throw e;
        }
        dispatcher = created;
        failure = null;
    }

    void stop(@Observes ShutdownEvent event) {
        if (starter != null) {
            starter.interrupt();
        }
        Dispatcher subscribed = dispatcher;
        if (subscribed != null && connection.getStatus() != Connection.Status.CLOSED) {
            connection.closeDispatcher(subscribed);
        }
    }

    /** One report: kept if it is the node's latest. An unreadable one is skipped (the stream keeps it until the node reports again). */
    void receive(Message message) {
        String subject = message.getSubject();
        NodeStatus status;
        try {
            status = JSON.readValue(message.getData(), NodeStatus.class);
        } catch (IOException e) {
            LOG.warnf("ignoring the report on subject '%s': not a NodeStatus in JSON (%s)", subject, e.getMessage());
            return;
        }
        if (!subject.startsWith(Buckets.STATUS_SUBJECT_PREFIX) || status == null) {
            LOG.warnf("ignoring the report on subject '%s': %s", subject, status == null ? "empty" : "not a status subject");
            return;
        }
        Instant at = message.isJetStream() ? message.metaData().timestamp().toInstant() : Instant.now();
        registry.record(subject.substring(Buckets.STATUS_SUBJECT_PREFIX.length()), status, at);
    }

    /** Ready once the status stream is subscribed: before, every node would count as unheard of. */
    @Override
    public HealthCheckResponse call() {
        String problem = failure;
        return HealthCheckResponse.named("node-status").status(problem == null)
                .withData("stream", Buckets.STATUS_STREAM).withData("problem", problem == null ? "none" : problem).build();
    }
}
