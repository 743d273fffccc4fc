-- The writes report-figures/2's `results` depend on, noted in reporting_figureschange like 0003's (see
-- reporting/figures_cache.py): referrals, goals (and their plan's social worker), assessments and their scores,
-- case episodes, and the client's current episode. A goal's provider is its plan's social worker's; an episode
-- counts for every provider's reopened episodes, so its change is noted for all of them. A new client's current
-- episode counts only once it has ended (its earlier episodes come after it, and are noted as they come).
CREATE OR REPLACE FUNCTION figures_changed_results_plans_referral() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(r.date) THEN min(r.date) END,
               CASE WHEN count(*) = count(r.provider_id) AND min(r.provider_id) = max(r.provider_id) THEN min(r.provider_id) END
        FROM new_rows r HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(r.date) THEN min(r.date) END,
               CASE WHEN count(*) = count(r.provider_id) AND min(r.provider_id) = max(r.provider_id) THEN min(r.provider_id) END
        FROM old_rows r HAVING count(*) > 0;
    ELSE
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(r.date) THEN min(r.date) END,
               CASE WHEN count(*) = count(r.provider_id) AND min(r.provider_id) = max(r.provider_id) THEN min(r.provider_id) END
        FROM (SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows) r HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER figures_results_ins AFTER INSERT ON plans_referral REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_results_plans_referral();
CREATE TRIGGER figures_results_upd AFTER UPDATE ON plans_referral REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_results_plans_referral();
CREATE TRIGGER figures_results_del AFTER DELETE ON plans_referral REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_results_plans_referral();

CREATE OR REPLACE FUNCTION figures_changed_results_plans_goal() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(LEAST((r.created_at AT TIME ZONE 'UTC')::date - 1, r.status_date)) THEN min(LEAST((r.created_at AT TIME ZONE 'UTC')::date - 1, r.status_date)) END,
               CASE WHEN count(*) = count(s.provider_id) AND min(s.provider_id) = max(s.provider_id) THEN min(s.provider_id) END
        FROM new_rows r LEFT JOIN plans_plan p ON p.id = r.plan_id LEFT JOIN clients_staff s ON s.id = p.social_worker_id HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(LEAST((r.created_at AT TIME ZONE 'UTC')::date - 1, r.status_date)) THEN min(LEAST((r.created_at AT TIME ZONE 'UTC')::date - 1, r.status_date)) END,
               CASE WHEN count(*) = count(s.provider_id) AND min(s.provider_id) = max(s.provider_id) THEN min(s.provider_id) END
        FROM old_rows r LEFT JOIN plans_plan p ON p.id = r.plan_id LEFT JOIN clients_staff s ON s.id = p.social_worker_id HAVING count(*) > 0;
    ELSE
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(LEAST((r.created_at AT TIME ZONE 'UTC')::date - 1, r.status_date)) THEN min(LEAST((r.created_at AT TIME ZONE 'UTC')::date - 1, r.status_date)) END,
               CASE WHEN count(*) = count(s.provider_id) AND min(s.provider_id) = max(s.provider_id) THEN min(s.provider_id) END
        FROM (SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows) r LEFT JOIN plans_plan p ON p.id = r.plan_id LEFT JOIN clients_staff s ON s.id = p.social_worker_id HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER figures_results_ins AFTER INSERT ON plans_goal REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_results_plans_goal();
CREATE TRIGGER figures_results_upd AFTER UPDATE ON plans_goal REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_results_plans_goal();
CREATE TRIGGER figures_results_del AFTER DELETE ON plans_goal REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_results_plans_goal();

CREATE OR REPLACE FUNCTION figures_changed_results_plans_assessment() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(r.date) THEN min(r.date) END,
               CASE WHEN count(*) = count(r.provider_id) AND min(r.provider_id) = max(r.provider_id) THEN min(r.provider_id) END
        FROM new_rows r HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(r.date) THEN min(r.date) END,
               CASE WHEN count(*) = count(r.provider_id) AND min(r.provider_id) = max(r.provider_id) THEN min(r.provider_id) END
        FROM old_rows r HAVING count(*) > 0;
    ELSE
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(r.date) THEN min(r.date) END,
               CASE WHEN count(*) = count(r.provider_id) AND min(r.provider_id) = max(r.provider_id) THEN min(r.provider_id) END
        FROM (SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows) r HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER figures_results_ins AFTER INSERT ON plans_assessment REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_results_plans_assessment();
CREATE TRIGGER figures_results_upd AFTER UPDATE ON plans_assessment REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_results_plans_assessment();
CREATE TRIGGER figures_results_del AFTER DELETE ON plans_assessment REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_results_plans_assessment();

CREATE OR REPLACE FUNCTION figures_changed_results_plans_assessmentscore() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(a.date) THEN min(a.date) END,
               CASE WHEN count(*) = count(a.provider_id) AND min(a.provider_id) = max(a.provider_id) THEN min(a.provider_id) END
        FROM new_rows r LEFT JOIN plans_assessment a ON a.id = r.assessment_id HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(a.date) THEN min(a.date) END,
               CASE WHEN count(*) = count(a.provider_id) AND min(a.provider_id) = max(a.provider_id) THEN min(a.provider_id) END
        FROM old_rows r LEFT JOIN plans_assessment a ON a.id = r.assessment_id HAVING count(*) > 0;
    ELSE
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(a.date) THEN min(a.date) END,
               CASE WHEN count(*) = count(a.provider_id) AND min(a.provider_id) = max(a.provider_id) THEN min(a.provider_id) END
        FROM (SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows) r LEFT JOIN plans_assessment a ON a.id = r.assessment_id HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER figures_results_ins AFTER INSERT ON plans_assessmentscore REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_results_plans_assessmentscore();
CREATE TRIGGER figures_results_upd AFTER UPDATE ON plans_assessmentscore REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_results_plans_assessmentscore();
CREATE TRIGGER figures_results_del AFTER DELETE ON plans_assessmentscore REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_results_plans_assessmentscore();

CREATE OR REPLACE FUNCTION figures_changed_results_clients_caseepisode() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(r.service_start) THEN min(r.service_start) END,
               CASE WHEN count(*) = count(NULL::bigint) AND min(NULL::bigint) = max(NULL::bigint) THEN min(NULL::bigint) END
        FROM new_rows r HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(r.service_start) THEN min(r.service_start) END,
               CASE WHEN count(*) = count(NULL::bigint) AND min(NULL::bigint) = max(NULL::bigint) THEN min(NULL::bigint) END
        FROM old_rows r HAVING count(*) > 0;
    ELSE
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(r.service_start) THEN min(r.service_start) END,
               CASE WHEN count(*) = count(NULL::bigint) AND min(NULL::bigint) = max(NULL::bigint) THEN min(NULL::bigint) END
        FROM (SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows) r HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER figures_results_ins AFTER INSERT ON clients_caseepisode REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_results_clients_caseepisode();
CREATE TRIGGER figures_results_upd AFTER UPDATE ON clients_caseepisode REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_results_clients_caseepisode();
CREATE TRIGGER figures_results_del AFTER DELETE ON clients_caseepisode REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_results_clients_caseepisode();

CREATE OR REPLACE FUNCTION figures_changed_results_plans_plan() RETURNS trigger AS $$
BEGIN
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(NULL::date) THEN min(NULL::date) END,
               CASE WHEN count(*) = count(NULL::bigint) AND min(NULL::bigint) = max(NULL::bigint) THEN min(NULL::bigint) END
        FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE (n.social_worker_id) IS DISTINCT FROM (o.social_worker_id) HAVING count(*) > 0;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER figures_results_upd AFTER UPDATE ON plans_plan REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_results_plans_plan();

CREATE OR REPLACE FUNCTION figures_changed_results_clients_client() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(r.service_start) THEN min(r.service_start) END,
               CASE WHEN count(*) = count(r.provider_id) AND min(r.provider_id) = max(r.provider_id) THEN min(r.provider_id) END
        FROM new_rows r WHERE r.service_end IS NOT NULL HAVING count(*) > 0;
    ELSE
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(LEAST(n.service_start, o.service_start)) THEN min(LEAST(n.service_start, o.service_start)) END,
               CASE WHEN count(*) = count(NULL::bigint) AND min(NULL::bigint) = max(NULL::bigint) THEN min(NULL::bigint) END
        FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE (n.service_start, n.service_end, n.closure_reason, n.provider_id) IS DISTINCT FROM (o.service_start, o.service_end, o.closure_reason, o.provider_id) HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER figures_results_ins AFTER INSERT ON clients_client REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_results_clients_client();
CREATE TRIGGER figures_results_upd AFTER UPDATE ON clients_client REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_results_clients_client();
