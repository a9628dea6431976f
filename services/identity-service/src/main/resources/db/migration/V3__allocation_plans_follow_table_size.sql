-- Allocation and collection whose query plans do not depend on how big the tables were when first planned.
--
-- PL/pgSQL keeps each statement's plan per connection, and after five calls switches to a generic plan (one made
-- without the parameters' values) when that looks no dearer. A service starting on an empty database (a fresh
-- cluster, the benchmarks) made those generic plans while `identity` had no rows: sequential scans, which looked
-- free then, and were kept while the table grew. At 14,000 identities every allocate_identities call scanned the
-- whole table twice (auto_explain: "Seq Scan on identity ... Rows Removed by Filter: 14046" for `labels = ANY`),
-- and PostgreSQL's CPU per new label set grew with the number of identities (1.7 ms each at 50,000).
--
-- allocate_identities only ever looks rows up by key (labels, id), so it runs with enable_seqscan off, which makes
-- a plan made on an empty table use the unique indexes too, and with plan_cache_mode = force_generic_plan, which
-- keeps that one plan per connection: left to choose, the plan cache kept planning afresh (a custom plan for one
-- label set looks cheaper than a generic one for `= ANY` of an array of unknown length), and planning was 12% of
-- PostgreSQL's CPU under endpoint churn (perf), where every registration allocates its one label set.
-- It also runs fewer statements: existing rows are read first, and only the marked ones among them are unmarked (the
-- V2 version ran its unmarking UPDATE on every call); a new set costs one read and one insert. Its guarantees are V2's:
--  * one row per distinct label set: the unique index on labels decides, whoever inserts first wins, a loser of a
--    race waits for the winner's commit (ON CONFLICT) and reads its row on the next round;
--  * the sequence is consumed only by inserts that win or race (existing sets are never inserted);
--  * with p_reference every row answered is locked until the caller's transaction ends — FOR KEY SHARE for rows that
--    exist (taken in id order, before they are looked at), NO KEY UPDATE for rows it unmarks, its own insert for new
--    ones — so a collection pass (FOR UPDATE SKIP LOCKED) neither marks nor deletes them;
--  * a marked identity that is allocated again is unmarked, under a NO KEY UPDATE lock taken in id order; if a pass
--    deleted it meanwhile, the update finds no row and the set is inserted again with a new number (never reused).
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
    r record;
BEGIN
    WHILE cardinality(remaining) > 0 LOOP
        answered := '{}';
        marked := '{}';
        -- Two loops, not one cursor opened either way: an explicit cursor is planned for a fast start, and for
        -- ORDER BY id that is a walk of the whole primary key filtering on labels (perf: 72% of PostgreSQL's CPU).
        IF p_reference THEN
            FOR r IN SELECT i.labels, i.id, i.unused_since FROM identity AS i WHERE i.labels = ANY (remaining)
                     ORDER BY i.id FOR KEY SHARE LOOP
                IF r.unused_since IS NULL THEN
                    labels := r.labels; id := r.id; created := false; RETURN NEXT;
                    answered := answered || r.labels;
                ELSE
                    marked := marked || r.id;
                END IF;
            END LOOP;
        ELSE
            FOR r IN SELECT i.labels, i.id, i.unused_since FROM identity AS i WHERE i.labels = ANY (remaining) LOOP
                IF r.unused_since IS NULL THEN
                    labels := r.labels; id := r.id; created := false; RETURN NEXT;
                    answered := answered || r.labels;
                ELSE
                    marked := marked || r.id;
                END IF;
            END LOOP;
        END IF;
        IF cardinality(marked) > 0 THEN
            FOR r IN UPDATE identity AS i SET unused_since = NULL
                      WHERE i.id IN (SELECT m.id FROM identity AS m WHERE m.id = ANY (marked) ORDER BY m.id FOR NO KEY UPDATE)
                      RETURNING i.labels, i.id LOOP
                labels := r.labels; id := r.id; created := false; RETURN NEXT;
                answered := answered || r.labels;
            END LOOP;
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

-- The collection pass's functions do scan and join whole tables, whose sizes change by orders of magnitude between a
-- start on an empty database and a busy cluster: they are planned afresh on every call (a few calls a pass).
ALTER FUNCTION expire_endpoints(interval, integer) SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION mark_unused_identities(integer) SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION collect_identities(interval, integer) SET plan_cache_mode = force_custom_plan;
