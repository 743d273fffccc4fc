CREATE OR REPLACE FUNCTION figures_changed_plans_contact() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(r.date) THEN min(r.date) END,
               CASE WHEN count(*) = count(r.provider_id) AND min(r.provider_id) = max(r.provider_id)
                    THEN min(r.provider_id) END
        FROM new_rows r  WHERE TRUE HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(r.date) THEN min(r.date) END,
               CASE WHEN count(*) = count(r.provider_id) AND min(r.provider_id) = max(r.provider_id)
                    THEN min(r.provider_id) END
        FROM old_rows r   HAVING count(*) > 0;
    ELSE
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(r.date) THEN min(r.date) END,
               CASE WHEN count(*) = count(r.provider_id) AND min(r.provider_id) = max(r.provider_id)
                    THEN min(r.provider_id) END
        FROM (SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE (n.date, n.provider_id, n.staff_id, n.family_id, n.form, n.duration_minutes) IS DISTINCT FROM (o.date, o.provider_id, o.staff_id, o.family_id, o.form, o.duration_minutes) UNION ALL SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (n.date, n.provider_id, n.staff_id, n.family_id, n.form, n.duration_minutes) IS DISTINCT FROM (o.date, o.provider_id, o.staff_id, o.family_id, o.form, o.duration_minutes)) r   HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER figures_changed_ins AFTER INSERT ON plans_contact REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_plans_contact();
CREATE TRIGGER figures_changed_upd AFTER UPDATE ON plans_contact REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_plans_contact();
CREATE TRIGGER figures_changed_del AFTER DELETE ON plans_contact REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_plans_contact();

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
CREATE TRIGGER figures_changed_ins AFTER INSERT ON plans_contact_clients REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_plans_contact_clients();
CREATE TRIGGER figures_changed_upd AFTER UPDATE ON plans_contact_clients REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_plans_contact_clients();
CREATE TRIGGER figures_changed_del AFTER DELETE ON plans_contact_clients REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_plans_contact_clients();

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
CREATE TRIGGER figures_changed_ins AFTER INSERT ON plans_contacttopic REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_plans_contacttopic();
CREATE TRIGGER figures_changed_upd AFTER UPDATE ON plans_contacttopic REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_plans_contacttopic();
CREATE TRIGGER figures_changed_del AFTER DELETE ON plans_contacttopic REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_plans_contacttopic();

CREATE OR REPLACE FUNCTION figures_changed_clients_client() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(NULL::date) THEN min(NULL::date) END,
               CASE WHEN count(*) = count(NULL::bigint) AND min(NULL::bigint) = max(NULL::bigint)
                    THEN min(NULL::bigint) END
        FROM new_rows r  WHERE r.family_id IS NOT NULL HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(NULL::date) THEN min(NULL::date) END,
               CASE WHEN count(*) = count(NULL::bigint) AND min(NULL::bigint) = max(NULL::bigint)
                    THEN min(NULL::bigint) END
        FROM old_rows r   HAVING count(*) > 0;
    ELSE
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(NULL::date) THEN min(NULL::date) END,
               CASE WHEN count(*) = count(NULL::bigint) AND min(NULL::bigint) = max(NULL::bigint)
                    THEN min(NULL::bigint) END
        FROM (SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE (n.gender, n.birth_date, n.country, n.arrival_route, n.family_id) IS DISTINCT FROM (o.gender, o.birth_date, o.country, o.arrival_route, o.family_id) UNION ALL SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (n.gender, n.birth_date, n.country, n.arrival_route, n.family_id) IS DISTINCT FROM (o.gender, o.birth_date, o.country, o.arrival_route, o.family_id)) r   HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER figures_changed_ins AFTER INSERT ON clients_client REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_clients_client();
CREATE TRIGGER figures_changed_upd AFTER UPDATE ON clients_client REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_clients_client();
CREATE TRIGGER figures_changed_del AFTER DELETE ON clients_client REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_clients_client();

CREATE OR REPLACE FUNCTION figures_changed_clients_legalstatusentry() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(r.since) THEN min(r.since) END,
               CASE WHEN count(*) = count(NULL::bigint) AND min(NULL::bigint) = max(NULL::bigint)
                    THEN min(NULL::bigint) END
        FROM new_rows r  WHERE TRUE HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(r.since) THEN min(r.since) END,
               CASE WHEN count(*) = count(NULL::bigint) AND min(NULL::bigint) = max(NULL::bigint)
                    THEN min(NULL::bigint) END
        FROM old_rows r   HAVING count(*) > 0;
    ELSE
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(r.since) THEN min(r.since) END,
               CASE WHEN count(*) = count(NULL::bigint) AND min(NULL::bigint) = max(NULL::bigint)
                    THEN min(NULL::bigint) END
        FROM (SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE (n.client_id, n.legal_status, n.since) IS DISTINCT FROM (o.client_id, o.legal_status, o.since) UNION ALL SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (n.client_id, n.legal_status, n.since) IS DISTINCT FROM (o.client_id, o.legal_status, o.since)) r   HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER figures_changed_ins AFTER INSERT ON clients_legalstatusentry REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_clients_legalstatusentry();
CREATE TRIGGER figures_changed_upd AFTER UPDATE ON clients_legalstatusentry REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_clients_legalstatusentry();
CREATE TRIGGER figures_changed_del AFTER DELETE ON clients_legalstatusentry REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_clients_legalstatusentry();

CREATE OR REPLACE FUNCTION figures_changed_clients_residenceentry() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(r.since) THEN min(r.since) END,
               CASE WHEN count(*) = count(NULL::bigint) AND min(NULL::bigint) = max(NULL::bigint)
                    THEN min(NULL::bigint) END
        FROM new_rows r  WHERE TRUE HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(r.since) THEN min(r.since) END,
               CASE WHEN count(*) = count(NULL::bigint) AND min(NULL::bigint) = max(NULL::bigint)
                    THEN min(NULL::bigint) END
        FROM old_rows r   HAVING count(*) > 0;
    ELSE
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(r.since) THEN min(r.since) END,
               CASE WHEN count(*) = count(NULL::bigint) AND min(NULL::bigint) = max(NULL::bigint)
                    THEN min(NULL::bigint) END
        FROM (SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE (n.client_id, n.residence, n.since) IS DISTINCT FROM (o.client_id, o.residence, o.since) UNION ALL SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (n.client_id, n.residence, n.since) IS DISTINCT FROM (o.client_id, o.residence, o.since)) r   HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER figures_changed_ins AFTER INSERT ON clients_residenceentry REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_clients_residenceentry();
CREATE TRIGGER figures_changed_upd AFTER UPDATE ON clients_residenceentry REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_clients_residenceentry();
CREATE TRIGGER figures_changed_del AFTER DELETE ON clients_residenceentry REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_clients_residenceentry();

CREATE OR REPLACE FUNCTION figures_changed_clients_staff() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(NULL::date) THEN min(NULL::date) END,
               CASE WHEN count(*) = count(NULL::bigint) AND min(NULL::bigint) = max(NULL::bigint)
                    THEN min(NULL::bigint) END
        FROM new_rows r  WHERE FALSE HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(NULL::date) THEN min(NULL::date) END,
               CASE WHEN count(*) = count(NULL::bigint) AND min(NULL::bigint) = max(NULL::bigint)
                    THEN min(NULL::bigint) END
        FROM old_rows r   HAVING count(*) > 0;
    ELSE
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(NULL::date) THEN min(NULL::date) END,
               CASE WHEN count(*) = count(NULL::bigint) AND min(NULL::bigint) = max(NULL::bigint)
                    THEN min(NULL::bigint) END
        FROM (SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE (n.role, n.provider_id) IS DISTINCT FROM (o.role, o.provider_id) UNION ALL SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (n.role, n.provider_id) IS DISTINCT FROM (o.role, o.provider_id)) r   HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER figures_changed_ins AFTER INSERT ON clients_staff REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_clients_staff();
CREATE TRIGGER figures_changed_upd AFTER UPDATE ON clients_staff REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_clients_staff();
CREATE TRIGGER figures_changed_del AFTER DELETE ON clients_staff REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_clients_staff();

CREATE OR REPLACE FUNCTION figures_changed_clients_contract() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(NULL::date) THEN min(NULL::date) END,
               CASE WHEN count(*) = count(r.provider_id) AND min(r.provider_id) = max(r.provider_id)
                    THEN min(r.provider_id) END
        FROM new_rows r  WHERE TRUE HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(NULL::date) THEN min(NULL::date) END,
               CASE WHEN count(*) = count(r.provider_id) AND min(r.provider_id) = max(r.provider_id)
                    THEN min(r.provider_id) END
        FROM old_rows r   HAVING count(*) > 0;
    ELSE
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(NULL::date) THEN min(NULL::date) END,
               CASE WHEN count(*) = count(r.provider_id) AND min(r.provider_id) = max(r.provider_id)
                    THEN min(r.provider_id) END
        FROM (SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows) r   HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER figures_changed_ins AFTER INSERT ON clients_contract REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_clients_contract();
CREATE TRIGGER figures_changed_upd AFTER UPDATE ON clients_contract REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_clients_contract();
CREATE TRIGGER figures_changed_del AFTER DELETE ON clients_contract REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_clients_contract();

CREATE OR REPLACE FUNCTION figures_changed_clients_provider() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(NULL::date) THEN min(NULL::date) END,
               CASE WHEN count(*) = count(NULL::bigint) AND min(NULL::bigint) = max(NULL::bigint)
                    THEN min(NULL::bigint) END
        FROM new_rows r  WHERE FALSE HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(NULL::date) THEN min(NULL::date) END,
               CASE WHEN count(*) = count(NULL::bigint) AND min(NULL::bigint) = max(NULL::bigint)
                    THEN min(NULL::bigint) END
        FROM old_rows r   HAVING count(*) > 0;
    ELSE
        
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count(NULL::date) THEN min(NULL::date) END,
               CASE WHEN count(*) = count(NULL::bigint) AND min(NULL::bigint) = max(NULL::bigint)
                    THEN min(NULL::bigint) END
        FROM (SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE (n.code, n.name) IS DISTINCT FROM (o.code, o.name) UNION ALL SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (n.code, n.name) IS DISTINCT FROM (o.code, o.name)) r   HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER figures_changed_ins AFTER INSERT ON clients_provider REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_clients_provider();
CREATE TRIGGER figures_changed_upd AFTER UPDATE ON clients_provider REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_clients_provider();
CREATE TRIGGER figures_changed_del AFTER DELETE ON clients_provider REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_clients_provider();
