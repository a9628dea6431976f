-- A created identity is marked at once when no endpoint will refer to it, and noted nowhere when one will.
--
-- V4/V5 noted every created identity as a candidate; the next pass locked it, looked for endpoints and marked it (or,
-- for an endpoint's identity, dropped the entry): a candidate row written and deleted, a row lock and a mark, per new
-- identity. Both outcomes are known when the identity is created:
--  * allocated without p_reference (POST /v1/identities): unused since its creation, so it is marked then, in the
--    creating statement — the time a pass would have found (its grace starts no later than before, and collection
--    still waits gc.grace + allocation.cache-ttl after it);
--  * allocated with p_reference: the caller's endpoint refers to it before the transaction commits (put_endpoint and a
--    namespace's relabelling make every endpoint they allocated for refer to its identity), so it is never unused and
--    unmarked without the endpoint's removal or re-identification noting a candidate (V4's triggers).
-- V4's invariant (a committed, unmarked identity >= 256 that no endpoint refers to has a candidate entry) holds.
DROP TRIGGER identity_created ON identity;
DROP FUNCTION note_created_identities();

-- V6's allocation, and its created identities marked when the caller will not refer to them.
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
    fresh integer[] := '{}';
    r record;
BEGIN
    WHILE cardinality(remaining) > 0 LOOP
        answered := '{}';
        marked := '{}';
        held := '{}';
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
            fresh := fresh || r.id;
        END LOOP;
        EXIT WHEN cardinality(answered) = cardinality(remaining);
        remaining := ARRAY(SELECT unnest(remaining) EXCEPT SELECT unnest(answered) ORDER BY 1);
    END LOOP;
    IF NOT p_reference AND cardinality(fresh) > 0 THEN
        INSERT INTO identity_unused (identity_id, since) SELECT x, now() FROM unnest(fresh) AS x ORDER BY x;
    END IF;
END
$$;
