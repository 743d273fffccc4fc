DROP TRIGGER IF EXISTS figures_changed_ins ON plans_contact;
DROP TRIGGER IF EXISTS figures_changed_upd ON plans_contact;
DROP TRIGGER IF EXISTS figures_changed_del ON plans_contact;
DROP FUNCTION IF EXISTS figures_changed_plans_contact();

DROP TRIGGER IF EXISTS figures_changed_ins ON plans_contact_clients;
DROP TRIGGER IF EXISTS figures_changed_upd ON plans_contact_clients;
DROP TRIGGER IF EXISTS figures_changed_del ON plans_contact_clients;
DROP FUNCTION IF EXISTS figures_changed_plans_contact_clients();

DROP TRIGGER IF EXISTS figures_changed_ins ON plans_contacttopic;
DROP TRIGGER IF EXISTS figures_changed_upd ON plans_contacttopic;
DROP TRIGGER IF EXISTS figures_changed_del ON plans_contacttopic;
DROP FUNCTION IF EXISTS figures_changed_plans_contacttopic();

DROP TRIGGER IF EXISTS figures_changed_ins ON clients_client;
DROP TRIGGER IF EXISTS figures_changed_upd ON clients_client;
DROP TRIGGER IF EXISTS figures_changed_del ON clients_client;
DROP FUNCTION IF EXISTS figures_changed_clients_client();

DROP TRIGGER IF EXISTS figures_changed_ins ON clients_legalstatusentry;
DROP TRIGGER IF EXISTS figures_changed_upd ON clients_legalstatusentry;
DROP TRIGGER IF EXISTS figures_changed_del ON clients_legalstatusentry;
DROP FUNCTION IF EXISTS figures_changed_clients_legalstatusentry();

DROP TRIGGER IF EXISTS figures_changed_ins ON clients_residenceentry;
DROP TRIGGER IF EXISTS figures_changed_upd ON clients_residenceentry;
DROP TRIGGER IF EXISTS figures_changed_del ON clients_residenceentry;
DROP FUNCTION IF EXISTS figures_changed_clients_residenceentry();

DROP TRIGGER IF EXISTS figures_changed_ins ON clients_staff;
DROP TRIGGER IF EXISTS figures_changed_upd ON clients_staff;
DROP TRIGGER IF EXISTS figures_changed_del ON clients_staff;
DROP FUNCTION IF EXISTS figures_changed_clients_staff();

DROP TRIGGER IF EXISTS figures_changed_ins ON clients_contract;
DROP TRIGGER IF EXISTS figures_changed_upd ON clients_contract;
DROP TRIGGER IF EXISTS figures_changed_del ON clients_contract;
DROP FUNCTION IF EXISTS figures_changed_clients_contract();

DROP TRIGGER IF EXISTS figures_changed_ins ON clients_provider;
DROP TRIGGER IF EXISTS figures_changed_upd ON clients_provider;
DROP TRIGGER IF EXISTS figures_changed_del ON clients_provider;
DROP FUNCTION IF EXISTS figures_changed_clients_provider();
