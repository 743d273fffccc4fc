CREATE OR REPLACE FUNCTION figures_changed_plans_contact_clients() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(k.date) THEN min(k.date) END,
               CASE WHEN count(*) = count(k.provider_id) AND min(k.provider_id) = max(k.provider_id)
                    THEN min(k.provider_id) END
        FROM new_rows r LEFT JOIN plans_contact k ON k.id = r.contact_id WHERE TRUE HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(k.date) THEN min(k.date) END,
               CASE WHEN count(*) = count(k.provider_id) AND min(k.provider_id) = max(k.provider_id)
                    THEN min(k.provider_id) END
        FROM old_rows r LEFT JOIN plans_contact k ON k.id = r.contact_id  HAVING count(*) > 0;
    ELSE
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(k.date) THEN min(k.date) END,
               CASE WHEN count(*) = count(k.provider_id) AND min(k.provider_id) = max(k.provider_id)
                    THEN min(k.provider_id) END
        FROM (SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows) r LEFT JOIN plans_contact k ON k.id = r.contact_id  HAVING count(*) > 0;
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
        FROM new_rows r LEFT JOIN plans_contact k ON k.id = r.contact_id WHERE TRUE HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(k.date) THEN min(k.date) END,
               CASE WHEN count(*) = count(k.provider_id) AND min(k.provider_id) = max(k.provider_id)
                    THEN min(k.provider_id) END
        FROM old_rows r LEFT JOIN plans_contact k ON k.id = r.contact_id  HAVING count(*) > 0;
    ELSE
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(k.date) THEN min(k.date) END,
               CASE WHEN count(*) = count(k.provider_id) AND min(k.provider_id) = max(k.provider_id)
                    THEN min(k.provider_id) END
        FROM (SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows) r LEFT JOIN plans_contact k ON k.id = r.contact_id  HAVING count(*) > 0;
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

CREATE OR REPLACE FUNCTION figures_changed_match_clients_client() RETURNS trigger AS $$
BEGIN
    INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
    SELECT pg_current_xact_id()::text::bigint,
           min(pm.month),
           CASE WHEN min(n.provider_id) = max(n.provider_id) THEN min(n.provider_id) END
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    JOIN reporting_personsmonth pm ON pm.provider_id = 0 AND pm.client_id = n.id
    WHERE n.match_hash IS DISTINCT FROM o.match_hash HAVING count(*) > 0;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
