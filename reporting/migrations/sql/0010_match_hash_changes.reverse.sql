DROP TRIGGER IF EXISTS figures_match_upd ON clients_client;
DROP FUNCTION IF EXISTS figures_changed_match_clients_client();
