-- A client record's match hash changed (a new name or birth date): the figures of all providers fold records
-- into persons by it (reporting/figures/matching.py), from the first month the record was served. A record
-- never served changes no figure.
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
CREATE TRIGGER figures_match_upd AFTER UPDATE ON clients_client REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_match_clients_client();
