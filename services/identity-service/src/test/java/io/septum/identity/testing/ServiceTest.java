package io.septum.identity.testing;

import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test of the running service against its real PostgreSQL and NATS: every test starts from the empty state
 * (reserved identities only, buckets matching), and can look at the buckets as an enforcer would.
 */
public abstract class ServiceTest {

    protected static KvProbe kv;

    @Inject
    protected ServiceState state;

    @BeforeAll
    static void connectProbe() {
        kv = KvProbe.connect();
    }

    @AfterAll
    static void closeProbe() {
        kv.close();
    }

    @BeforeEach
    void resetState() {
        state.reset();
    }
}
