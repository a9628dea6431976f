package io.septum.enforcer.agent.status;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.septum.model.kv.Buckets;

import java.io.IOException;

/**
 * The stream {@value Buckets#STATUS_STREAM} that keeps the last status report of every node: subjects
 * {@code status.>}, Limits retention (a report survives until a reader exists), one message per subject, file
 * storage. Whoever comes first creates it — an enforcer before its first report, policy-service before it reads —
 * always with this one configuration.
 */
public final class StatusStream {

    private StatusStream() {
    }

    public static StreamConfiguration configuration() {
        return StreamConfiguration.builder()
                .name(Buckets.STATUS_STREAM)
                .subjects(Buckets.STATUS_SUBJECT_PREFIX + ">")
                .retentionPolicy(RetentionPolicy.Limits)
                .maxMessagesPerSubject(1)
                .storageType(StorageType.File)
                .build();
    }

    /** Creates the stream unless it exists (an existing one is left as it is). */
    public static void ensure(JetStreamManagement management) throws IOException, JetStreamApiException {
        if (!management.getStreamNames().contains(Buckets.STATUS_STREAM)) {
            management.addStream(configuration());
        }
    }
}
