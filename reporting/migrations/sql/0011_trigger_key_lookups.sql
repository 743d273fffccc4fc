-- The watchers whose rows name another record (a contact's, an assessment's, a plan's social worker's, a client's
-- first month served) read that record by its key, one index lookup a written row (LATERAL ... LIMIT 1): a join
-- of the statement's rows with the whole table was planned as a hash of the table, read again for every chunk
-- of an import (the national import's assessments and contact topics; issue 21).
CREATE OR REPLACE FUNCTION figures_changed_plans_contact_clients() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(k.date) THEN min(k.date) END,
               CASE WHEN count(*) = count(k.provider_id) AND min(k.provider_id) = max(k.provider_id)
                    THEN min(k.provider_id) END
        FROM new_rows r LEFT JOIN LATERAL (SELECT k.date, k.provider_id FROM plans_contact k WHERE k.id = r.contact_id LIMIT 1) k ON TRUE WHERE TRUE HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(k.date) THEN min(k.date) END,
               CASE WHEN count(*) = count(k.provider_id) AND min(k.provider_id) = max(k.provider_id)
                    THEN min(k.provider_id) END
        FROM old_rows r LEFT JOIN LATERAL (SELECT k.date, k.provider_id FROM plans_contact k WHERE k.id = r.contact_id LIMIT 1) k ON TRUE  HAVING count(*) > 0;
    ELSE
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(k.date) THEN min(k.date) END,
               CASE WHEN count(*) = count(k.provider_id) AND min(k.provider_id) = max(k.provider_id)
                    THEN min(k.provider_id) END
        FROM (SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows) r LEFT JOIN LATERAL (SELECT k.date, k.provider_id FROM plans_contact k WHERE k.id = r.contact_id LIMIT 1) k ON TRUE  HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION figures_changed_plans_contacttopic() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(k.date) THEN min(k.date) END,
               CASE WHEN count(*) = count(k.provider_id) AND min(k.provider_id) = max(k.provider_id)
                    THEN min(k.provider_id) END
        FROM new_rows r LEFT JOIN LATERAL (SELECT k.date, k.provider_id FROM plans_contact k WHERE k.id = r.contact_id LIMIT 1) k ON TRUE WHERE TRUE HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(k.date) THEN min(k.date) END,
               CASE WHEN count(*) = count(k.provider_id) AND min(k.provider_id) = max(k.provider_id)
                    THEN min(k.provider_id) END
        FROM old_rows r LEFT JOIN LATERAL (SELECT k.date, k.provider_id FROM plans_contact k WHERE k.id = r.contact_id LIMIT 1) k ON TRUE  HAVING count(*) > 0;
    ELSE
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(k.date) THEN min(k.date) END,
               CASE WHEN count(*) = count(k.provider_id) AND min(k.provider_id) = max(k.provider_id)
                    THEN min(k.provider_id) END
        FROM (SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows) r LEFT JOIN LATERAL (SELECT k.date, k.provider_id FROM plans_contact k WHERE k.id = r.contact_id LIMIT 1) k ON TRUE  HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION figures_changed_results_plans_goal() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(LEAST((r.created_at AT TIME ZONE 'UTC')::date - 1, r.status_date)) THEN min(LEAST((r.created_at AT TIME ZONE 'UTC')::date - 1, r.status_date)) END,
               CASE WHEN count(*) = count(s.provider_id) AND min(s.provider_id) = max(s.provider_id) THEN min(s.provider_id) END
        FROM new_rows r LEFT JOIN LATERAL (SELECT s.provider_id FROM plans_plan p JOIN clients_staff s ON s.id = p.social_worker_id WHERE p.id = r.plan_id LIMIT 1) s ON TRUE HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(LEAST((r.created_at AT TIME ZONE 'UTC')::date - 1, r.status_date)) THEN min(LEAST((r.created_at AT TIME ZONE 'UTC')::date - 1, r.status_date)) END,
               CASE WHEN count(*) = count(s.provider_id) AND min(s.provider_id) = max(s.provider_id) THEN min(s.provider_id) END
        FROM old_rows r LEFT JOIN LATERAL (SELECT s.provider_id FROM plans_plan p JOIN clients_staff s ON s.id = p.social_worker_id WHERE p.id = r.plan_id LIMIT 1) s ON TRUE HAVING count(*) > 0;
    ELSE
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(LEAST((r.created_at AT TIME ZONE 'UTC')::date - 1, r.status_date)) THEN min(LEAST((r.created_at AT TIME ZONE 'UTC')::date - 1, r.status_date)) END,
               CASE WHEN count(*) = count(s.provider_id) AND min(s.provider_id) = max(s.provider_id) THEN min(s.provider_id) END
        FROM (SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows) r LEFT JOIN LATERAL (SELECT s.provider_id FROM plans_plan p JOIN clients_staff s ON s.id = p.social_worker_id WHERE p.id = r.plan_id LIMIT 1) s ON TRUE HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION figures_changed_results_plans_assessmentscore() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(a.date) THEN min(a.date) END,
               CASE WHEN count(*) = count(a.provider_id) AND min(a.provider_id) = max(a.provider_id) THEN min(a.provider_id) END
        FROM new_rows r LEFT JOIN LATERAL (SELECT a.date, a.provider_id FROM plans_assessment a WHERE a.id = r.assessment_id LIMIT 1) a ON TRUE HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(a.date) THEN min(a.date) END,
               CASE WHEN count(*) = count(a.provider_id) AND min(a.provider_id) = max(a.provider_id) THEN min(a.provider_id) END
        FROM old_rows r LEFT JOIN LATERAL (SELECT a.date, a.provider_id FROM plans_assessment a WHERE a.id = r.assessment_id LIMIT 1) a ON TRUE HAVING count(*) > 0;
    ELSE
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(a.date) THEN min(a.date) END,
               CASE WHEN count(*) = count(a.provider_id) AND min(a.provider_id) = max(a.provider_id) THEN min(a.provider_id) END
        FROM (SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows) r LEFT JOIN LATERAL (SELECT a.date, a.provider_id FROM plans_assessment a WHERE a.id = r.assessment_id LIMIT 1) a ON TRUE HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION figures_changed_match_clients_client() RETURNS trigger AS $$
BEGIN
    INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
    SELECT pg_current_xact_id()::text::bigint,
           min(pm.month),
           CASE WHEN min(n.provider_id) = max(n.provider_id) THEN min(n.provider_id) END
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    JOIN LATERAL (SELECT pm.month FROM reporting_personsmonth pm WHERE pm.provider_id = 0 AND pm.client_id = n.id
                  ORDER BY pm.month LIMIT 1) pm ON TRUE
    WHERE n.match_hash IS DISTINCT FROM o.match_hash HAVING count(*) > 0;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
