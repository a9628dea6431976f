-- Collection whose cost follows the churn, not the cluster's size.
--
-- Until V3 every collection pass's marking step looked at every unmarked identity and every endpoint (a hash anti-join,
-- once per gc.batch identities marked): at 41,000 endpoints and identities ~0.4 s of a loaded machine, every pass,
-- whatever had changed. Now the only identities a pass looks at are candidates: those that may have become unused
-- since the last pass. A candidate is noted, by the triggers below and in the transaction of the change itself, when
--  * an endpoint is deleted (by its node, by lease expiry, by a renewal that no longer lists it): its identity;
--  * an endpoint changes identity (new pod or namespace labels): its former identity;
--  * an identity is created (it may never get an endpoint: POST /v1/identities);
--  * a marked identity is unmarked (allocated again, perhaps without an endpoint: its grace starts over).
-- Invariant: an identity >= 256 that is committed, unmarked and referenced by no endpoint has a committed candidate
-- entry. Every change that can make an identity unused commits an entry in its own transaction, so the entry
-- becomes visible no earlier than the change. A pass removes an entry only after looking, in a statement that began
-- after it read the entry and took the identity's lock, at whether an endpoint refers to the identity: either one
-- does (its removal will note a new entry), or the identity is marked, or it is gone. An entry whose identity the
-- pass could not lock (an allocation is about to refer to it, another replica's pass holds it) stays for the next
-- pass. Entries are a log (no unique key): noting one never waits for a lock, so endpoint writes cannot deadlock on
-- them, and two replicas' passes take different entries (SKIP LOCKED).
CREATE TABLE identity_candidate (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    identity_id integer NOT NULL,
    noted_at    timestamptz NOT NULL DEFAULT now()
);

-- Identities that are unused right now (and not marked): candidates from the start, so nothing is lost on upgrade.
INSERT INTO identity_candidate (identity_id)
SELECT i.id FROM identity AS i
 WHERE i.id >= 256 AND i.unused_since IS NULL AND NOT EXISTS (SELECT 1 FROM endpoint AS e WHERE e.identity_id = i.id)
 ORDER BY i.id;

CREATE FUNCTION note_endpoint_identity_released() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO identity_candidate (identity_id) VALUES (OLD.identity_id);
    RETURN NULL;
END
$$;

CREATE FUNCTION note_identity_candidate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO identity_candidate (identity_id) VALUES (NEW.id);
    RETURN NULL;
END
$$;

CREATE TRIGGER endpoint_deleted AFTER DELETE ON endpoint
    FOR EACH ROW EXECUTE FUNCTION note_endpoint_identity_released();
CREATE TRIGGER endpoint_reidentified AFTER UPDATE OF identity_id ON endpoint
    FOR EACH ROW WHEN (OLD.identity_id <> NEW.identity_id) EXECUTE FUNCTION note_endpoint_identity_released();
CREATE TRIGGER identity_created AFTER INSERT ON identity
    FOR EACH ROW WHEN (NEW.id >= 256) EXECUTE FUNCTION note_identity_candidate();
CREATE TRIGGER identity_unmarked AFTER UPDATE OF unused_since ON identity
    FOR EACH ROW WHEN (OLD.unused_since IS NOT NULL AND NEW.unused_since IS NULL AND NEW.id >= 256)
    EXECUTE FUNCTION note_identity_candidate();

DROP FUNCTION mark_unused_identities(integer);

-- Takes up to p_limit candidate entries, oldest first, and marks their identities that no endpoint refers to.
-- Entries another replica's pass holds are skipped; identities are locked FOR UPDATE SKIP LOCKED, skipping any an
-- allocation holds (FOR KEY SHARE, or an endpoint's foreign key check: an endpoint is about to refer to it); the update
-- that marks is a new statement, so it sees every endpoint committed before the locks were taken. Returns the entries
-- it removed (taken: the pass goes on while a call takes a whole batch) and the identities it marked.
-- Only looks rows up by key, so one generic plan that never scans (see V3).
CREATE FUNCTION mark_unused_candidates(p_limit integer)
RETURNS TABLE (taken integer, marked integer)
LANGUAGE plpgsql
SET enable_seqscan = off
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    entries bigint[];
    ids integer[];
    locked integer[];
BEGIN
    SELECT coalesce(array_agg(c.seq), '{}'), coalesce(array_agg(DISTINCT c.identity_id), '{}') INTO entries, ids
      FROM (SELECT x.seq, x.identity_id FROM identity_candidate AS x ORDER BY x.seq LIMIT p_limit FOR UPDATE SKIP LOCKED) AS c;
    taken := 0;
    marked := 0;
    IF cardinality(entries) > 0 THEN
        locked := ARRAY(SELECT i.id FROM identity AS i WHERE i.id = ANY (ids) ORDER BY i.id FOR UPDATE SKIP LOCKED);
        UPDATE identity AS i SET unused_since = now()
         WHERE i.id = ANY (locked) AND i.unused_since IS NULL AND i.id >= 256
           AND NOT EXISTS (SELECT 1 FROM endpoint AS e WHERE e.identity_id = i.id);
        GET DIAGNOSTICS marked = ROW_COUNT;
        -- handled: the identity was locked (now marked, marked already, or referenced) or is gone
        DELETE FROM identity_candidate AS c
         WHERE c.seq = ANY (entries)
           AND (c.identity_id = ANY (locked) OR NOT EXISTS (SELECT 1 FROM identity AS i WHERE i.id = c.identity_id));
        GET DIAGNOSTICS taken = ROW_COUNT;
    END IF;
    RETURN NEXT;
END
$$;

-- As V2's, and an identity found referenced at the re-check is unmarked (its unmarking notes a candidate): with the
-- marking no longer scanning every marked identity for references, it would otherwise stay at the head of the marked
-- ones. Allocations that refer to a marked identity unmark it themselves, so this is a guard, not a path.
-- Marked identities are at most what churn marks within a grace period, looked up by their partial index.
CREATE OR REPLACE FUNCTION collect_identities(p_grace interval, p_limit integer)
RETURNS TABLE (id integer, labels text)
LANGUAGE plpgsql
SET enable_seqscan = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
DECLARE
    candidates integer[];
BEGIN
    candidates := ARRAY(SELECT i.id FROM identity AS i WHERE i.unused_since < now() - p_grace
                         ORDER BY i.unused_since, i.id LIMIT p_limit FOR UPDATE SKIP LOCKED);
    IF cardinality(candidates) = 0 THEN
        RETURN;
    END IF;
    UPDATE identity AS i SET unused_since = NULL
     WHERE i.id = ANY (candidates) AND EXISTS (SELECT 1 FROM endpoint AS e WHERE e.identity_id = i.id);
    RETURN QUERY
        WITH gone AS (
            DELETE FROM identity AS i
             WHERE i.id = ANY (candidates) AND i.unused_since < now() - p_grace
               AND NOT EXISTS (SELECT 1 FROM endpoint AS e WHERE e.identity_id = i.id)
            RETURNING i.id, i.labels)
        SELECT * FROM gone;
END
$$;
