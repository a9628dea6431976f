package io.septum.policy.store;

import io.septum.model.policy.PolicyObject;

import java.util.List;
import java.util.Optional;

/**
 * One bundle apply: the parsed objects, who applies them, and how.
 *
 * <p>{@code source} names the bundle (a Git repository path, an Argo CD application, …), as kubectl's
 * applyset or Argo CD's tracking label do: every object applied with it is owned by it, and an apply
 * with {@code prune} deletes the objects that source owns and the bundle no longer holds. Pruning needs a
 * source, so that an apply can never delete objects nobody said it owns. {@code dryRun}: compute what
 * would change, store nothing.
 */
public record ApplyRequest(List<PolicyObject> objects, String actor, Optional<String> source, boolean prune, boolean dryRun) {

    public ApplyRequest {
        objects = List.copyOf(objects);
        if (prune && source.isEmpty()) {
            throw new IllegalArgumentException("prune needs a source");
        }
    }
}
