package io.septum.policy.status;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.septum.model.kv.BucketRevisions;
import io.septum.model.kv.Buckets;
import io.septum.policy.nats.NatsCalls;
import io.septum.policy.nats.ServiceConnection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;

/**
 * The latest revision of each bucket the enforcers realize: the last sequence of the JetStream stream
 * behind it ({@code KV_<bucket>}), since a key-value entry's revision is its stream sequence. 0 for a
 * bucket that does not exist yet.
 */
@ApplicationScoped
public class BucketTargets {

    @Inject
    @ServiceConnection
    Connection connection;

    public Uni<BucketRevisions> current() {
        return NatsCalls.offload(() -> {
            JetStreamManagement management = connection.jetStreamManagement();
            return new BucketRevisions(lastRevision(management, Buckets.POLICIES),
                    lastRevision(management, Buckets.IDENTITIES), lastRevision(management, Buckets.IPCACHE));
        });
    }

    private static long lastRevision(JetStreamManagement management, String bucket) throws IOException, JetStreamApiException {
        try {
            // A key-value bucket named B is the stream KV_B.
            return management.getStreamInfo("KV_" + bucket).getStreamState().getLastSequence();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NatsCalls.STREAM_NOT_FOUND) {
                return 0;
            }
            throw e;
        }
    }
}
