-- Garbage collection of identities, endpoint leases, and allocation of many label sets in one round trip.

-- An identity no endpoint references is marked by a collection pass (unused_since) and deleted once it has stayed
-- marked for the grace period. Allocating it again clears the mark; so does an endpoint referring to it.
ALTER TABLE identity ADD COLUMN unused_since timestamptz;
CREATE INDEX identity_unused_idx ON identity (unused_since) WHERE unused_since IS NOT NULL;

-- An endpoint lives as long as its node renews its lease, or for one lease period after it was last registered.
-- Lease rows are never deleted (nodes are few): an endpoint's node always has one, so expiry only looks here.
ALTER TABLE endpoint ADD COLUMN registered_at timestamptz NOT NULL DEFAULT now();
CREATE TABLE node_lease (
    node       text PRIMARY KEY,
    renewed_at timestamptz NOT NULL
);
INSERT INTO node_lease (node, renewed_at) SELECT DISTINCT node, now() FROM endpoint;

DROP FUNCTION allocate_identity(text);

-- The identities of label sets (canonical texts), allocating the new ones; one row per distinct set.
-- Identities a collection pass has marked are unmarked. With p_reference the caller is about to make an endpoint
-- refer to them: the rows are locked FOR KEY SHARE until the transaction ends, which keeps a collection pass (FOR
-- UPDATE ... SKIP LOCKED) from marking or deleting them meanwhile. Sets are handled in sorted order, so concurrent
-- callers insert and lock in one order and cannot deadlock. The sequence is consumed only by inserts that win or
-- race; a loser of a race waits for the winner's commit (unique index) and reads its row on the next round.
CREATE FUNCTION allocate_identities(p_labels text[], p_reference boolean)
RETURNS TABLE (labels text, id integer, created boolean)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    remaining text[] := ARRAY(SELECT DISTINCT x FROM unnest(p_labels) AS x ORDER BY 1);
    answered text[];
    r record;
BEGIN
    WHILE cardinality(remaining) > 0 LOOP
        answered := '{}';
        UPDATE identity AS i SET unused_since = NULL
         WHERE i.id IN (SELECT m.id FROM identity AS m WHERE m.labels = ANY (remaining) AND m.unused_since IS NOT NULL
                        ORDER BY m.id FOR NO KEY UPDATE);
        IF p_reference THEN
            FOR r IN SELECT i.labels, i.id, i.unused_since FROM identity AS i WHERE i.labels = ANY (remaining)
                     ORDER BY i.id FOR KEY SHARE LOOP
                -- marked between the update and the lock: unmarked on the next round
                IF r.unused_since IS NULL THEN
                    labels := r.labels; id := r.id; created := false; RETURN NEXT;
                    answered := answered || r.labels;
                END IF;
            END LOOP;
        ELSE
            FOR r IN SELECT i.labels, i.id FROM identity AS i WHERE i.labels = ANY (remaining) AND i.unused_since IS NULL LOOP
                labels := r.labels; id := r.id; created := false; RETURN NEXT;
                answered := answered || r.labels;
            END LOOP;
        END IF;
        remaining := ARRAY(SELECT unnest(remaining) EXCEPT SELECT unnest(answered) ORDER BY 1);
        EXIT WHEN cardinality(remaining) = 0;
        answered := '{}';
        FOR r IN INSERT INTO identity AS i (labels) SELECT x FROM unnest(remaining) AS x ORDER BY 1
                 ON CONFLICT (labels) DO NOTHING RETURNING i.labels, i.id LOOP
            labels := r.labels; id := r.id; created := true; RETURN NEXT;
            answered := answered || r.labels;
        END LOOP;
        remaining := ARRAY(SELECT unnest(remaining) EXCEPT SELECT unnest(answered) ORDER BY 1);
    END LOOP;
END
$$;

-- Creates or updates an endpoint in one round trip, with the identity labels the caller computed from the
-- namespace labels it believed current (p_namespace_labels). The namespace row is locked FOR SHARE, so its labels
-- cannot change before commit; when they differ from the caller's, nothing is written and the caller recomputes
-- (outcome 'namespace-changed', with the current labels). Other outcomes: 'no-namespace', 'ip-taken' (holder in
-- ip_holder), 'ok'. For 'ok' the previous state is returned so that the caller can write the buckets, and when the
-- endpoint's lease (p_lease) runs out if its node does not renew it.
CREATE FUNCTION put_endpoint(p_namespace text, p_pod text, p_node text, p_ip text, p_labels jsonb, p_named_ports text,
                             p_namespace_labels jsonb, p_identity_labels text, p_lease interval)
RETURNS TABLE (outcome text, namespace_labels jsonb, ip_holder text, identity_id integer, identity_created boolean,
               existed boolean, old_ip text, old_node text, old_named_ports text, old_identity_id integer,
               lease_expires_at timestamptz)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    ns_labels jsonb;
    holder text;
    old record;
    alloc record;
BEGIN
    SELECT n.labels INTO ns_labels FROM namespace AS n WHERE n.name = p_namespace FOR SHARE;
    IF NOT FOUND THEN
        outcome := 'no-namespace'; RETURN NEXT; RETURN;
    END IF;
    IF p_namespace_labels IS NULL OR ns_labels <> p_namespace_labels THEN
        outcome := 'namespace-changed'; namespace_labels := ns_labels; RETURN NEXT; RETURN;
    END IF;
    SELECT e.namespace || '/' || e.pod INTO holder FROM endpoint AS e
     WHERE e.ip = p_ip AND (e.namespace <> p_namespace OR e.pod <> p_pod);
    IF FOUND THEN
        outcome := 'ip-taken'; ip_holder := holder; RETURN NEXT; RETURN;
    END IF;
    SELECT e.ip, e.node, e.named_ports, e.identity_id INTO old FROM endpoint AS e
     WHERE e.namespace = p_namespace AND e.pod = p_pod FOR UPDATE;
    existed := FOUND;
    SELECT a.id, a.created INTO alloc FROM allocate_identities(ARRAY[p_identity_labels], true) AS a;
    IF existed THEN
        UPDATE endpoint AS e SET node = p_node, ip = p_ip, labels = p_labels, named_ports = p_named_ports,
                                 identity_id = alloc.id, registered_at = now()
         WHERE e.namespace = p_namespace AND e.pod = p_pod;
        old_ip := old.ip; old_node := old.node; old_named_ports := old.named_ports; old_identity_id := old.identity_id;
    ELSE
        INSERT INTO endpoint (namespace, pod, node, ip, labels, named_ports, identity_id)
        VALUES (p_namespace, p_pod, p_node, p_ip, p_labels, p_named_ports, alloc.id);
    END IF;
    INSERT INTO node_lease (node, renewed_at) VALUES (p_node, now()) ON CONFLICT (node) DO NOTHING;
    SELECT greatest(now(), l.renewed_at) + p_lease INTO lease_expires_at FROM node_lease AS l WHERE l.node = p_node;
    outcome := 'ok'; identity_id := alloc.id; identity_created := alloc.created;
    RETURN NEXT;
END
$$;

-- Deletes up to p_limit endpoints whose lease ran out: their node has not renewed for p_lease, and they were not
-- registered within p_lease either. The expired nodes' lease rows are locked first (SKIP LOCKED: a node renewing
-- right now is left alone), so a renewal that follows waits for this transaction and then sees what it removed.
CREATE FUNCTION expire_endpoints(p_lease interval, p_limit integer)
RETURNS TABLE (namespace text, pod text, node text, ip text, identity_id integer)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    expired text[];
BEGIN
    expired := ARRAY(SELECT l.node FROM node_lease AS l WHERE l.renewed_at < now() - p_lease
                     ORDER BY l.node FOR UPDATE SKIP LOCKED);
    IF cardinality(expired) = 0 THEN
        RETURN;
    END IF;
    RETURN QUERY
        WITH gone AS (
            DELETE FROM endpoint AS e
             WHERE e.id IN (SELECT x.id FROM endpoint AS x
                             WHERE x.node = ANY (expired) AND x.registered_at < now() - p_lease
                             ORDER BY x.id LIMIT p_limit FOR UPDATE SKIP LOCKED)
            RETURNING e.namespace, e.pod, e.node, e.ip, e.identity_id)
        SELECT * FROM gone;
END
$$;

-- Marks up to p_limit identities that no endpoint references (and unmarks those referenced again). Candidates are
-- locked FOR UPDATE SKIP LOCKED first, skipping any an allocation holds (FOR KEY SHARE: an endpoint is about to
-- refer to it); the update that follows is a new statement, so it sees every endpoint committed before the locks
-- were taken and re-checks. Returns how many identities it marked.
CREATE FUNCTION mark_unused_identities(p_limit integer)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    candidates integer[];
    marked integer;
BEGIN
    UPDATE identity AS i SET unused_since = NULL
     WHERE i.unused_since IS NOT NULL AND EXISTS (SELECT 1 FROM endpoint AS e WHERE e.identity_id = i.id);
    candidates := ARRAY(SELECT i.id FROM identity AS i
                         WHERE i.unused_since IS NULL AND i.id >= 256
                           AND NOT EXISTS (SELECT 1 FROM endpoint AS e WHERE e.identity_id = i.id)
                         LIMIT p_limit FOR UPDATE SKIP LOCKED);
    UPDATE identity AS i SET unused_since = now()
     WHERE i.id = ANY (candidates) AND i.unused_since IS NULL
       AND NOT EXISTS (SELECT 1 FROM endpoint AS e WHERE e.identity_id = i.id);
    GET DIAGNOSTICS marked = ROW_COUNT;
    RETURN marked;
END
$$;

-- Deletes up to p_limit identities marked unused for longer than p_grace, and returns them. Locked first (SKIP
-- LOCKED: one an allocation is unmarking or referring to is left alone), then deleted by a new statement that
-- checks again that no endpoint refers to them; the foreign key of endpoint.identity_id is the last guard.
CREATE FUNCTION collect_identities(p_grace interval, p_limit integer)
RETURNS TABLE (id integer, labels text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    candidates integer[];
BEGIN
    candidates := ARRAY(SELECT i.id FROM identity AS i WHERE i.unused_since < now() - p_grace
                         ORDER BY i.unused_since, i.id LIMIT p_limit FOR UPDATE SKIP LOCKED);
    IF cardinality(candidates) = 0 THEN
        RETURN;
    END IF;
    RETURN QUERY
        WITH gone AS (
            DELETE FROM identity AS i
             WHERE i.id = ANY (candidates) AND i.unused_since < now() - p_grace
               AND NOT EXISTS (SELECT 1 FROM endpoint AS e WHERE e.identity_id = i.id)
            RETURNING i.id, i.labels)
        SELECT * FROM gone;
END
$$;
