-- An identity's mark ("unused since") in a narrow table of its own instead of a column of the identity row.
--
-- Marking and unmarking were UPDATEs of the identity row. The column is indexed (the grace period is found by it), so
-- no update was HOT: each one wrote a new row version with its 150-byte labels and a new entry in every index of the
-- table, the wide unique index on labels included. Every identity created without an endpoint (POST /v1/identities)
-- is marked by the next pass, and every allocation of a marked one unmarks it: in the allocation benchmark that was
-- a third of PostgreSQL's CPU per new label set (121 -> 84 us with collection off) and three quarters of it per
-- allocation of a known one (140 -> 32 us). Now a mark is an insert of a 12-byte row, an unmark its delete; the
-- identity row is only ever locked by them, never rewritten.
--
-- The locks are V2-V5's, on the identity row: a pass marks and deletes only rows it holds FOR UPDATE (SKIP LOCKED),
-- an allocation holds FOR KEY SHARE every row it answers and then unmarks, or reads without a lock rows that were
-- unmarked when its statement began. A mark row is written or deleted only by someone holding its identity's lock,
-- so the identity lock is always taken first: no new lock order. A mark row exists only for an existing identity:
-- marking inserts for rows it holds, collection deletes the mark with the identity (and drops marks of identities
-- deleted by other means: no foreign key, whose checks would cost a trigger per mark).
--
-- V4's invariant (an unused, unmarked identity has a candidate entry) is kept by the functions that unmark, which
-- note the entry in the same statement (the trigger on the column goes with it).
CREATE TABLE identity_unused (
    identity_id integer PRIMARY KEY,
    since       timestamptz NOT NULL
);
CREATE INDEX identity_unused_since_idx ON identity_unused (since, identity_id);

INSERT INTO identity_unused (identity_id, since)
SELECT i.id, i.unused_since FROM identity AS i WHERE i.unused_since IS NOT NULL ORDER BY i.id;

DROP TRIGGER identity_unmarked ON identity;
DROP FUNCTION note_identity_candidate();
DROP INDEX identity_unused_idx;
ALTER TABLE identity DROP COLUMN unused_since;

-- V3's allocation with marks in identity_unused. Its guarantees are V3's:
--  * one row per distinct label set (the unique index on labels decides; a loser of a race reads the winner's row on
--    the next round), the sequence consumed only by inserts that win or race;
--  * with p_reference every existing row answered is locked FOR KEY SHARE, in id order, before its mark is looked
--    at (a later statement: it sees a mark committed before the lock), new ones by their own insert;
--  * without p_reference, rows that were unmarked when the statement began are answered without a lock (a pass
--    collects only marks older than the grace period); marked ones are locked FOR KEY SHARE in id order first; one
--    that a pass deleted meanwhile is not found and is inserted again with a new number (never reused);
--  * every row answered that was marked is unmarked, and noted as a candidate (its grace starts over).
CREATE OR REPLACE FUNCTION allocate_identities(p_labels text[], p_reference boolean)
RETURNS TABLE (labels text, id integer, created boolean)
LANGUAGE plpgsql
SET enable_seqscan = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
DECLARE
    remaining text[] := ARRAY(SELECT DISTINCT x FROM unnest(p_labels) AS x ORDER BY 1);
    answered text[];
    marked integer[];
    held integer[];
    r record;
BEGIN
    WHILE cardinality(remaining) > 0 LOOP
        answered := '{}';
        marked := '{}';
        held := '{}';
        -- Loops, not one cursor opened either way: an explicit cursor is planned for a fast start, and for ORDER BY id
        -- that is a walk of the whole primary key filtering on labels (V3).
        IF p_reference THEN
            FOR r IN SELECT i.labels, i.id FROM identity AS i WHERE i.labels = ANY (remaining) ORDER BY i.id FOR KEY SHARE LOOP
                labels := r.labels; id := r.id; created := false; RETURN NEXT;
                answered := answered || r.labels;
                held := held || r.id;
            END LOOP;
        ELSE
            FOR r IN SELECT i.labels, i.id, u.identity_id IS NOT NULL AS is_marked
                       FROM identity AS i LEFT JOIN identity_unused AS u ON u.identity_id = i.id
                      WHERE i.labels = ANY (remaining) LOOP
                IF r.is_marked THEN
                    marked := marked || r.id;
                ELSE
                    labels := r.labels; id := r.id; created := false; RETURN NEXT;
                    answered := answered || r.labels;
                END IF;
            END LOOP;
            IF cardinality(marked) > 0 THEN
                FOR r IN SELECT i.labels, i.id FROM identity AS i WHERE i.id = ANY (marked) ORDER BY i.id FOR KEY SHARE LOOP
                    labels := r.labels; id := r.id; created := false; RETURN NEXT;
                    answered := answered || r.labels;
                    held := held || r.id;
                END LOOP;
            END IF;
        END IF;
        IF cardinality(held) > 0 THEN
            WITH unmarked AS (DELETE FROM identity_unused AS u WHERE u.identity_id = ANY (held) RETURNING u.identity_id)
            INSERT INTO identity_candidate (identity_id) SELECT m.identity_id FROM unmarked AS m ORDER BY 1;
        END IF;
        IF cardinality(answered) > 0 THEN
            remaining := ARRAY(SELECT unnest(remaining) EXCEPT SELECT unnest(answered) ORDER BY 1);
            EXIT WHEN cardinality(remaining) = 0;
            answered := '{}';
        END IF;
        FOR r IN INSERT INTO identity AS i (labels) SELECT x FROM unnest(remaining) AS x ORDER BY 1
                 ON CONFLICT (labels) DO NOTHING RETURNING i.labels, i.id LOOP
            labels := r.labels; id := r.id; created := true; RETURN NEXT;
            answered := answered || r.labels;
        END LOOP;
        EXIT WHEN cardinality(answered) = cardinality(remaining);
        remaining := ARRAY(SELECT unnest(remaining) EXCEPT SELECT unnest(answered) ORDER BY 1);
    END LOOP;
END
$$;

-- V4's marking with marks in identity_unused: the same entries taken, the same identities locked and re-checked.
CREATE OR REPLACE FUNCTION mark_unused_candidates(p_limit integer)
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
        INSERT INTO identity_unused (identity_id, since)
        SELECT x, now() FROM unnest(locked) AS x
         WHERE x >= 256 AND NOT EXISTS (SELECT 1 FROM endpoint AS e WHERE e.identity_id = x)
         ORDER BY x
        ON CONFLICT (identity_id) DO NOTHING;
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

-- V4's collection with marks in identity_unused: marks older than the grace period, oldest first; their identities
-- locked FOR UPDATE SKIP LOCKED; those found referenced unmarked (and noted: a guard, allocations that refer to a
-- marked identity unmark it themselves); the rest deleted by a later statement that checks the mark and the
-- references again, with their marks.
CREATE OR REPLACE FUNCTION collect_identities(p_grace interval, p_limit integer)
RETURNS TABLE (id integer, labels text)
LANGUAGE plpgsql
SET enable_seqscan = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
DECLARE
    candidates integer[];
    locked integer[];
BEGIN
    candidates := ARRAY(SELECT u.identity_id FROM identity_unused AS u WHERE u.since < now() - p_grace
                         ORDER BY u.since, u.identity_id LIMIT p_limit);
    IF cardinality(candidates) = 0 THEN
        RETURN;
    END IF;
    locked := ARRAY(SELECT i.id FROM identity AS i WHERE i.id = ANY (candidates) ORDER BY i.id FOR UPDATE SKIP LOCKED);
    -- a mark whose identity was deleted by other means (by hand) would stay at the head of the marks for ever
    DELETE FROM identity_unused AS u
     WHERE u.identity_id = ANY (candidates) AND NOT EXISTS (SELECT 1 FROM identity AS i WHERE i.id = u.identity_id);
    IF cardinality(locked) = 0 THEN
        RETURN;
    END IF;
    WITH unmarked AS (DELETE FROM identity_unused AS u
                       WHERE u.identity_id = ANY (locked) AND EXISTS (SELECT 1 FROM endpoint AS e WHERE e.identity_id = u.identity_id)
                      RETURNING u.identity_id)
    INSERT INTO identity_candidate (identity_id) SELECT m.identity_id FROM unmarked AS m ORDER BY 1;
    RETURN QUERY
        WITH gone AS (
            DELETE FROM identity AS i
             WHERE i.id = ANY (locked)
               AND EXISTS (SELECT 1 FROM identity_unused AS u WHERE u.identity_id = i.id AND u.since < now() - p_grace)
               AND NOT EXISTS (SELECT 1 FROM endpoint AS e WHERE e.identity_id = i.id)
            RETURNING i.id, i.labels),
        marks AS (
            DELETE FROM identity_unused AS u WHERE u.identity_id IN (SELECT g.id FROM gone AS g))
        SELECT g.id, g.labels FROM gone AS g;
END
$$;
