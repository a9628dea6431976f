package io.septum.cli.observe;

import io.septum.cli.http.JsonHttp;
import io.septum.model.flows.Flow;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Reads flow-service's follow stream (Server-Sent Events, one Flow in JSON per event) until the server ends it. */
final class FlowStream {

    private FlowStream() {
    }

    static void follow(URI base, String pathAndQuery, Consumer<Flow> sink) throws IOException {
        HttpURLConnection connection;
        try {
            connection = (HttpURLConnection) base.resolve(pathAndQuery).toURL().openConnection();
            connection.setConnectTimeout(3_000);
            connection.setReadTimeout(0); // a quiet cluster sends nothing for as long as it likes
            connection.setRequestProperty("Accept", "text/event-stream");
            int status = connection.getResponseCode();
            if (status >= 300) {
                try (InputStream err = connection.getErrorStream()) {
                    String body = err == null ? "" : new String(err.readAllBytes(), StandardCharsets.UTF_8);
                    String message = body.isEmpty() ? "HTTP " + status : JsonHttp.JSON.readTree(body).path("message").asText(body);
                    throw new JsonHttp.ServiceException(status, "flow-service: " + message);
                }
            }
        } catch (ConnectException e) {
            throw new JsonHttp.ServiceException(0, "flow-service is not reachable at " + base + " (is it running? 'make up' starts it)");
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8))) {
            StringBuilder data = new StringBuilder();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("data:")) {
                    data.append(line, line.startsWith("data: ") ? 6 : 5, line.length());
                } else if (line.isEmpty() && !data.isEmpty()) {
                    sink.accept(JsonHttp.JSON.readValue(data.toString(), Flow.class));
                    data.setLength(0);
                }
            }
        }
    }
}
