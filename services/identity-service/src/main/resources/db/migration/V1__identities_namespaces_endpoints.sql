-- Security identities: one row per identity-relevant label set. The unique canonical text is what makes
-- allocation agree across concurrent callers and replicas: whoever inserts first wins, everyone else reads.
-- Reserved identities 1-8 are rows too (inserted at start-up from io.septum.model.identity.ReservedIdentity);
-- allocated ones come from the sequence, 256 up to 2^24-1 (24-bit cluster-wide identities).
CREATE SEQUENCE identity_id_seq AS integer START WITH 256 MINVALUE 256 MAXVALUE 16777215 NO CYCLE;

CREATE TABLE identity (
    id         integer PRIMARY KEY DEFAULT nextval('identity_id_seq'),
    -- sorted label texts joined by ';' (io.septum.model.labels.Labels#toString); no label text contains ';'
    labels     text NOT NULL CONSTRAINT identity_labels_key UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
ALTER SEQUENCE identity_id_seq OWNED BY identity.id;

-- The identity of a label set, allocating it when new. Looks up first so that the sequence is only consumed
-- by real allocations; on a race the unique constraint makes the loser wait for the winner's commit and
-- read its row (each statement of a volatile function sees rows committed before it started).
CREATE FUNCTION allocate_identity(p_labels text, OUT id integer, OUT created boolean)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    LOOP
        SELECT i.id INTO allocate_identity.id FROM identity i WHERE i.labels = p_labels;
        IF FOUND THEN
            created := false;
            RETURN;
        END IF;
        INSERT INTO identity AS i (labels) VALUES (p_labels)
            ON CONFLICT (labels) DO NOTHING
            RETURNING i.id INTO allocate_identity.id;
        IF FOUND THEN
            created := true;
            RETURN;
        END IF;
    END LOOP;
END
$$;

CREATE TABLE namespace (
    name   text PRIMARY KEY,
    -- label key -> value, always with kubernetes.io/metadata.name
    labels jsonb NOT NULL
);

CREATE TABLE endpoint (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    namespace   text NOT NULL REFERENCES namespace (name),
    pod         text NOT NULL,
    node        text NOT NULL,
    ip          text NOT NULL,
    -- the pod's labels as given, key -> value
    labels      jsonb NOT NULL,
    -- JSON [{"name","port","protocol"}], as text: Hibernate Reactive binds jsonb only as a JSON object
    named_ports text NOT NULL,
    identity_id integer NOT NULL REFERENCES identity (id),
    CONSTRAINT endpoint_pod_key UNIQUE (namespace, pod),
    CONSTRAINT endpoint_ip_key UNIQUE (ip)
);
CREATE INDEX endpoint_node_idx ON endpoint (node);
CREATE INDEX endpoint_identity_idx ON endpoint (identity_id);
