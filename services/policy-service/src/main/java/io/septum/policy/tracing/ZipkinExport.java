package io.septum.policy.tracing;

import io.opentelemetry.exporter.zipkin.ZipkinSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.arc.lookup.LookupUnlessProperty;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sends this service's spans to a Zipkin server (v2 JSON), when {@code septum.tracing.zipkin-endpoint} names one.
 * Quarkus' OpenTelemetry exports through every {@link SpanExporter} bean it can look up; with the endpoint
 * "none" (the default) this one is not looked up, and with {@code quarkus.otel.sdk.disabled=true} (also the
 * default) no span is recorded at all.
 */
public class ZipkinExport {

    @Produces
    @Singleton
    @LookupUnlessProperty(name = "septum.tracing.zipkin-endpoint", stringValue = "none")
    SpanExporter zipkin(@ConfigProperty(name = "septum.tracing.zipkin-endpoint") String endpoint) {
        return ZipkinSpanExporter.builder().setEndpoint(endpoint).build();
    }
}
