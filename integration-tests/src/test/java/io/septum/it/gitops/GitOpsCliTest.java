package io.septum.it.gitops;

import io.septum.it.SeptumCommand;
import io.septum.it.SharedControlPlane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GitOps commands as a user runs them, through {@code ./septum} and its client generated from
 * openapi/policy.yaml, against the real policy-service: apply a directory with a source twice (the second
 * time unchanged), dry run and diff of a changed directory, prune, history and an older revision's content.
 * No lab: nothing here needs root.
 */
@ExtendWith(SharedControlPlane.class)
class GitOpsCliTest {

    @TempDir
    Path repo;

    @BeforeEach
    @AfterEach
    void noPolicies() throws Exception {
        SeptumCommand.ok("policy", "delete", "--all");
    }

    private void write(String file, String name, int port) throws Exception {
        Files.writeString(repo.resolve(file), """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: %s, namespace: gitops}
                spec:
                  podSelector: {matchLabels: {app: web}}
                  ingress:
                  - ports: [{port: %d, protocol: TCP}]
                """.formatted(name, port));
    }

    @Test
    void applyDiffPruneAndHistoryOfADirectory() throws Exception {
        write("a.yaml", "a", 80);
        write("b.yaml", "b", 81);
        String first = SeptumCommand.ok("policy", "apply", "-f", repo.toString(), "--source", "git/app", "--prune");
        assertThat(first).contains("networkpolicy gitops/a created", "networkpolicy gitops/b created", "revision ");
        assertThat(SeptumCommand.ok("policy", "apply", "-f", repo.toString(), "--source", "git/app", "--prune"))
                .contains("networkpolicy gitops/a unchanged", "networkpolicy gitops/b unchanged", "no changes");
        assertThat(SeptumCommand.run("policy", "diff", "-f", repo.toString(), "--source", "git/app", "--prune").exitCode()).isZero();

        // The repository changes: a's port, b removed.
        write("a.yaml", "a", 8080);
        Files.delete(repo.resolve("b.yaml"));
        assertThat(SeptumCommand.ok("policy", "apply", "-f", repo.toString(), "--source", "git/app", "--prune", "--dry-run"))
                .contains("gitops/a updated", "gitops/b pruned", "dry run: nothing stored");
        SeptumCommand.Result diff = SeptumCommand.run("policy", "diff", "-f", repo.toString(), "--source", "git/app", "--prune");
        assertThat(diff.exitCode()).isEqualTo(1);
        assertThat(diff.output()).contains("--- networkpolicy gitops/a (stored)", "--- networkpolicy gitops/b (stored)");
        assertThat(diff.output().lines().filter(l -> l.startsWith("-") && l.trim().endsWith("port: 80"))).isNotEmpty();
        assertThat(diff.output().lines().filter(l -> l.startsWith("+") && l.trim().endsWith("port: 8080"))).isNotEmpty();
        assertThat(diff.output().lines().filter(l -> l.startsWith("-") && l.trim().endsWith("name: b"))).isNotEmpty();
        assertThat(SeptumCommand.ok("policy", "get", "gitops/b")).contains("name: b");

        assertThat(SeptumCommand.ok("policy", "apply", "-f", repo.toString(), "--source", "git/app", "--prune"))
                .contains("gitops/a updated", "gitops/b pruned");
        assertThat(SeptumCommand.run("policy", "get", "gitops/b").exitCode()).isEqualTo(2);

        String history = SeptumCommand.ok("policy", "history", "gitops/a");
        assertThat(history.lines().filter(l -> l.contains("NetworkPolicy gitops/a"))).hasSize(2);
        assertThat(history).contains("updated", "created", "git/app");
        long firstRevision = Long.parseLong(first.lines().filter(l -> l.startsWith("revision ")).findFirst().orElseThrow().substring(9).trim());
        assertThat(SeptumCommand.ok("policy", "get", "gitops/a", "--revision", Long.toString(firstRevision))).contains("port: 80");
        assertThat(SeptumCommand.ok("policy", "history")).contains("REVISION", "apply");
    }
}
