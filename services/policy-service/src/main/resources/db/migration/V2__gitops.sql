-- GitOps: who made each revision, which bundle source applied it, and which bucket sequence distributed it.
-- actor: the caller (from the request; 'anonymous' when it names none). source: the bundle source named by
-- the apply (as kubectl's applyset or Argo CD's tracking label), NULL when none. bucket_sequence: the last
-- sequence of the stream KV_policies once this revision's bucket writes were acknowledged (a node whose
-- applied policies revision reaches it has realized this revision); NULL until then, or when it wrote nothing.
ALTER TABLE policy_revisions ADD COLUMN actor text NOT NULL DEFAULT 'anonymous';
ALTER TABLE policy_revisions ADD COLUMN source text;
ALTER TABLE policy_revisions ADD COLUMN bucket_sequence bigint;

-- The source that owns an object: the last apply that named a source. An apply with --prune deletes the
-- objects its source owns that its bundle no longer holds. NULL: owned by no source, never pruned.
ALTER TABLE policies ADD COLUMN source text;
CREATE INDEX policies_source ON policies (source);
ALTER TABLE policy_changes ADD COLUMN source text;
