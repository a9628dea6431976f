package io.septum.enforcer.agent.flows;

import io.septum.enforcer.agent.api.LocalApiServer;
import io.septum.enforcer.agent.api.LocalApiServer.ApiException;
import io.septum.enforcer.agent.api.LocalApiServer.Reply;
import io.septum.enforcer.datapath.Datapath;
import io.septum.enforcer.datapath.EventMode;
import java.util.Map;

/**
 * The node's flow event mode on the enforcer's local API: {@code GET /v1/flows/mode} and
 * {@code PUT /v1/flows/mode} with {@code {"mode": "off" | "connections" | "packets"}}, applied by the programs from
 * their next packet on, without a restart (until the enforcer restarts with its {@code --flow-events}).
 */
public final class EventModeApi {

    /** The body of PUT /v1/flows/mode. */
    public record ModeRequest(String mode) {
    }

    private EventModeApi() {
    }

    public static void register(LocalApiServer api, Datapath datapath) {
        api.route("GET", "/v1/flows/mode", r -> Reply.json(200, view(datapath.eventMode())))
                .route("PUT", "/v1/flows/mode", r -> {
                    String operation = "set flow event mode";
                    ModeRequest body = r.json(ModeRequest.class, operation);
                    if (body.mode() == null) {
                        throw new ApiException(400, operation + ": mode: required, one of off, connections, packets");
                    }
                    EventMode mode;
                    try {
                        mode = EventMode.parse(body.mode());
                    } catch (IllegalArgumentException e) {
                        throw new ApiException(400, operation + ": mode: " + e.getMessage());
                    }
                    datapath.setEventMode(mode);
                    return Reply.json(200, view(mode));
                });
    }

    private static Map<String, String> view(EventMode mode) {
        return Map.of("mode", mode.optionName());
    }
}
