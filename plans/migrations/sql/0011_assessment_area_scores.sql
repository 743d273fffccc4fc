-- Assessment.area_scores (plans/models.py) is a copy of the assessment's AssessmentScore rows, one score an area
-- in SCORED_AREAS order (NULL: no row, or not scored), read by the report's self-sufficiency. Kept here, in the
-- database, so that every write of the rows keeps it: the service, the exchange import's bulk writes, COPY (bench
-- loader), queryset updates and deletes, cascades. One statement-level trigger per event, over the transition
-- tables: the assessments the written rows name (before and after) get their scores again from their rows.
-- tests/plans/test_area_scores.py holds the database to this file and the copies to the rows.
CREATE OR REPLACE FUNCTION assessment_area_scores_sync() RETURNS trigger AS $$
DECLARE
    ids bigint[];
BEGIN
    -- A writer that sets the copies itself in the same transaction says so (the exchange import of assessments,
    -- exchange/casework.py AssessmentImport.write: its chunks would otherwise cost a join of the growing score
    -- table each).
    IF current_setting('caseapp.area_scores_written', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT r.assessment_id) INTO ids FROM new_rows r;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT r.assessment_id) INTO ids FROM old_rows r;
    ELSE
        SELECT array_agg(DISTINCT r.assessment_id) INTO ids
        FROM (SELECT assessment_id FROM new_rows UNION ALL SELECT assessment_id FROM old_rows) r;
    END IF;
    IF ids IS NULL THEN
        RETURN NULL;
    END IF;
    -- The assessments locked first, their rows read by the next statement (a snapshot of its own under READ
    -- COMMITTED): two transactions writing one assessment's rows at once cannot leave a copy of either's half.
    PERFORM 1 FROM plans_assessment WHERE id = ANY (ids) ORDER BY id FOR UPDATE;
    UPDATE plans_assessment a SET area_scores = s.area_scores
    FROM (
        SELECT x.id, ARRAY[
            MAX(sc.score) FILTER (WHERE sc.area = 'documents'),
            MAX(sc.score) FILTER (WHERE sc.area = 'housing'),
            MAX(sc.score) FILTER (WHERE sc.area = 'health'),
            MAX(sc.score) FILTER (WHERE sc.area = 'employment'),
            MAX(sc.score) FILTER (WHERE sc.area = 'education'),
            MAX(sc.score) FILTER (WHERE sc.area = 'language'),
            MAX(sc.score) FILTER (WHERE sc.area = 'benefits'),
            MAX(sc.score) FILTER (WHERE sc.area = 'social_services'),
            MAX(sc.score) FILTER (WHERE sc.area = 'children'),
            MAX(sc.score) FILTER (WHERE sc.area = 'daily_life')
        ]::smallint[] AS area_scores
        FROM unnest(ids) AS x (id) LEFT JOIN plans_assessmentscore sc ON sc.assessment_id = x.id
        GROUP BY x.id
    ) s
    WHERE a.id = s.id AND a.area_scores IS DISTINCT FROM s.area_scores;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER assessment_area_scores_ins AFTER INSERT ON plans_assessmentscore REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION assessment_area_scores_sync();
CREATE TRIGGER assessment_area_scores_upd AFTER UPDATE ON plans_assessmentscore
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION assessment_area_scores_sync();
CREATE TRIGGER assessment_area_scores_del AFTER DELETE ON plans_assessmentscore REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION assessment_area_scores_sync();

-- The existing assessments: filled once, after the triggers (creating them locks the table against writes until
-- the migration commits, so no write falls between).
UPDATE plans_assessment a SET area_scores = s.area_scores
FROM (
    SELECT sc.assessment_id, ARRAY[
        MAX(sc.score) FILTER (WHERE sc.area = 'documents'),
        MAX(sc.score) FILTER (WHERE sc.area = 'housing'),
        MAX(sc.score) FILTER (WHERE sc.area = 'health'),
        MAX(sc.score) FILTER (WHERE sc.area = 'employment'),
        MAX(sc.score) FILTER (WHERE sc.area = 'education'),
        MAX(sc.score) FILTER (WHERE sc.area = 'language'),
        MAX(sc.score) FILTER (WHERE sc.area = 'benefits'),
        MAX(sc.score) FILTER (WHERE sc.area = 'social_services'),
        MAX(sc.score) FILTER (WHERE sc.area = 'children'),
        MAX(sc.score) FILTER (WHERE sc.area = 'daily_life')
    ]::smallint[] AS area_scores
    FROM plans_assessmentscore sc
    GROUP BY sc.assessment_id
) s
WHERE a.id = s.assessment_id AND a.area_scores IS DISTINCT FROM s.area_scores;
