package io.septum.identity.testing;

import io.septum.auth.rest.Audit;
import org.jboss.logmanager.formatters.PatternFormatter;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The audit lines (their messages) the service logs while this is open: {@code try (AuditLines audit = AuditLines.capture())}. */
public final class AuditLines extends Handler implements AutoCloseable {

    private static final PatternFormatter MESSAGE = new PatternFormatter("%s");

    private final List<String> lines = new CopyOnWriteArrayList<>();

    private AuditLines() {
    }

    public static AuditLines capture() {
        AuditLines audit = new AuditLines();
        Logger.getLogger(Audit.CATEGORY).addHandler(audit);
        return audit;
    }

    /** The lines logged so far, in order. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(MESSAGE.format(record));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger(Audit.CATEGORY).removeHandler(this);
    }
}
