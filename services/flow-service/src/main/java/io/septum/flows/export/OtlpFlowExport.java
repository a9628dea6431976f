package io.septum.flows.export;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.septum.flows.window.FlowWindow;
import io.septum.model.flows.Flow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Exports every flow as an OpenTelemetry log record over OTLP/HTTP (protobuf) to {@code septum.flows.otlp-endpoint}
 * (e.g. http://collector:4318/v1/logs); "none" (the default) exports nothing and adds nothing to ingestion.
 *
 * <p>It listens to the window like a follow stream, so it must not block the NATS dispatcher: records go to the
 * SDK's batch processor, whose queue ({@code septum.flows.otlp-queue}) drops what a slow receiver cannot take.
 * Attributes name the verdict, drop reason, both ends (identity, namespace, pod, name), ports, protocol, the node
 * and the deciding policies and rule, under the {@code septum.flow.} prefix.
 */
@ApplicationScoped
public class OtlpFlowExport {

    static final AttributeKey<String> VERDICT = AttributeKey.stringKey("septum.flow.verdict");
    static final AttributeKey<String> DROP_REASON = AttributeKey.stringKey("septum.flow.drop_reason");
    static final AttributeKey<String> DIRECTION = AttributeKey.stringKey("septum.flow.direction");
    static final AttributeKey<String> NODE = AttributeKey.stringKey("septum.flow.node");
    static final AttributeKey<String> PROTOCOL = AttributeKey.stringKey("septum.flow.protocol");
    static final AttributeKey<Long> SOURCE_IDENTITY = AttributeKey.longKey("septum.flow.source.identity");
    static final AttributeKey<String> SOURCE_NAMESPACE = AttributeKey.stringKey("septum.flow.source.namespace");
    static final AttributeKey<String> SOURCE_POD = AttributeKey.stringKey("septum.flow.source.pod");
    static final AttributeKey<String> SOURCE_NAME = AttributeKey.stringKey("septum.flow.source.name");
    static final AttributeKey<String> SOURCE_IP = AttributeKey.stringKey("septum.flow.source.ip");
    static final AttributeKey<Long> SOURCE_PORT = AttributeKey.longKey("septum.flow.source.port");
    static final AttributeKey<Long> DESTINATION_IDENTITY = AttributeKey.longKey("septum.flow.destination.identity");
    static final AttributeKey<String> DESTINATION_NAMESPACE = AttributeKey.stringKey("septum.flow.destination.namespace");
    static final AttributeKey<String> DESTINATION_POD = AttributeKey.stringKey("septum.flow.destination.pod");
    static final AttributeKey<String> DESTINATION_NAME = AttributeKey.stringKey("septum.flow.destination.name");
    static final AttributeKey<String> DESTINATION_IP = AttributeKey.stringKey("septum.flow.destination.ip");
    static final AttributeKey<Long> DESTINATION_PORT = AttributeKey.longKey("septum.flow.destination.port");
    static final AttributeKey<List<String>> POLICIES = AttributeKey.stringArrayKey("septum.flow.policies");
    static final AttributeKey<String> RULE = AttributeKey.stringKey("septum.flow.rule");

    @Inject
    FlowWindow window;

    @ConfigProperty(name = "septum.flows.otlp-endpoint")
    String endpoint;

    @ConfigProperty(name = "septum.flows.otlp-queue")
    int queue;

    private SdkLoggerProvider provider;
    private Logger logger;
    private final Consumer<FlowWindow.Entry> listener = this::export;

    void start(@Observes StartupEvent event) {
        if ("none".equals(endpoint)) {
            return;
        }
        provider = SdkLoggerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "flow-service"))))
                .addLogRecordProcessor(BatchLogRecordProcessor.builder(OtlpHttpLogRecordExporter.builder().setEndpoint(endpoint).build())
                        .setMaxQueueSize(queue)
                        .build())
                .build();
        logger = provider.get("io.septum.flows");
        window.listen(listener);
        org.jboss.logging.Logger.getLogger(OtlpFlowExport.class).infof("exporting flows as OTLP log records to %s", endpoint);
    }

    void stop(@Observes ShutdownEvent event) {
        if (provider != null) {
            window.unlisten(listener);
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    private void export(FlowWindow.Entry entry) {
        Flow flow = entry.flow();
        logger.logRecordBuilder()
                .setTimestamp(entry.timeNanos(), TimeUnit.NANOSECONDS)
                .setSeverity("DROPPED".equals(flow.verdict()) ? Severity.WARN : Severity.INFO)
                .setSeverityText(flow.verdict())
                .setBody(flow.summary())
                .setAllAttributes(attributes(flow))
                .emit();
    }

    static Attributes attributes(Flow flow) {
        return Attributes.builder()
                .put(VERDICT, flow.verdict())
                .put(DROP_REASON, flow.dropReason())
                .put(DIRECTION, flow.direction())
                .put(NODE, flow.node())
                .put(PROTOCOL, flow.protocol())
                .put(SOURCE_IDENTITY, flow.source().identity())
                .put(SOURCE_NAMESPACE, flow.source().namespace())
                .put(SOURCE_POD, flow.source().pod())
                .put(SOURCE_NAME, flow.source().name())
                .put(SOURCE_IP, flow.source().ip())
                .put(SOURCE_PORT, flow.sourcePort())
                .put(DESTINATION_IDENTITY, flow.destination().identity())
                .put(DESTINATION_NAMESPACE, flow.destination().namespace())
                .put(DESTINATION_POD, flow.destination().pod())
                .put(DESTINATION_NAME, flow.destination().name())
                .put(DESTINATION_IP, flow.destination().ip())
                .put(DESTINATION_PORT, flow.destinationPort())
                .put(POLICIES, flow.policies())
                .put(RULE, flow.rule())
                .build();
    }
}
