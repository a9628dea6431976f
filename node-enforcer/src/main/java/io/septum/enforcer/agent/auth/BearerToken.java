package io.septum.enforcer.agent.auth;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The node's token for identity-service (role enforcer, this node only), sent on every call. Read from its
 * file on each call, so a token replaced on disk (renewed, rotated) is used without a restart. No file: no
 * header, for a control plane without authentication.
 */
public final class BearerToken {

    private final Optional<Path> file;

    public BearerToken(Optional<Path> file) {
        this.file = file;
    }

    public static BearerToken none() {
        return new BearerToken(Optional.empty());
    }

    /** Adds the Authorization header; fails naming the file when it cannot be read. */
    public HttpRequest.Builder authorize(HttpRequest.Builder request) throws IOException {
        if (file.isPresent()) {
            String token;
            try {
                token = Files.readString(file.get(), StandardCharsets.US_ASCII).strip();
            } catch (IOException e) {
                throw new IOException("read the node's token " + file.get() + ": " + e, e);
            }
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }
}
