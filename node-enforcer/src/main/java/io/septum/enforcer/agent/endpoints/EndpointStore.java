package io.septum.enforcer.agent.endpoints;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The local endpoints of this node, one JSON file each, written atomically (temp file + rename), so that a
 * crash never leaves a half-written record and a restarted enforcer finds every pod it had acknowledged.
 */
public final class EndpointStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;

    public EndpointStore(Path directory) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("create endpoint state directory " + directory + ": " + e.getMessage(), e);
        }
    }

    public void save(LocalEndpoint endpoint) {
        Path target = file(endpoint.namespace(), endpoint.pod());
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            JSON.writeValue(temp.toFile(), endpoint);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("save endpoint " + endpoint.key() + " to " + target + ": " + e.getMessage(), e);
        }
    }

    public void delete(String namespace, String pod) {
        Path target = file(namespace, pod);
        try {
            Files.deleteIfExists(target);
        } catch (IOException e) {
            throw new UncheckedIOException("delete endpoint record " + target + ": " + e.getMessage(), e);
        }
    }

    public List<LocalEndpoint> loadAll() {
        List<LocalEndpoint> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                try {
                    out.add(JSON.readValue(file.toFile(), LocalEndpoint.class));
                } catch (IOException e) {
                    throw new UncheckedIOException("read endpoint record " + file + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("list endpoint records in " + directory + ": " + e.getMessage(), e);
        }
        return out;
    }

    private Path file(String namespace, String pod) {
        // Namespace and pod names are DNS labels/subdomains: no '/' or '_' in them, so this is unambiguous.
        return directory.resolve(namespace + "_" + pod + ".json");
    }
}
