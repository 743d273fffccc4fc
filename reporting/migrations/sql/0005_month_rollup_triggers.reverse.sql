DROP TRIGGER IF EXISTS rollups_ins ON plans_contact;

DROP TRIGGER IF EXISTS rollups_upd ON plans_contact;

DROP TRIGGER IF EXISTS rollups_del ON plans_contact;

DROP FUNCTION IF EXISTS rollups_plans_contact();

DROP TRIGGER IF EXISTS rollups_ins ON plans_contact_clients;

DROP TRIGGER IF EXISTS rollups_upd ON plans_contact_clients;

DROP TRIGGER IF EXISTS rollups_del ON plans_contact_clients;

DROP FUNCTION IF EXISTS rollups_plans_contact_clients();

DROP TRIGGER IF EXISTS rollups_ins ON plans_contacttopic;

DROP TRIGGER IF EXISTS rollups_upd ON plans_contacttopic;

DROP TRIGGER IF EXISTS rollups_del ON plans_contacttopic;

DROP FUNCTION IF EXISTS rollups_plans_contacttopic();

DROP TRIGGER IF EXISTS rollups_ins ON clients_client;

DROP TRIGGER IF EXISTS rollups_upd ON clients_client;

DROP TRIGGER IF EXISTS rollups_del ON clients_client;

DROP FUNCTION IF EXISTS rollups_clients_client();

DROP FUNCTION IF EXISTS rollups_rebuild();

DELETE FROM reporting_personsmonth;

DELETE FROM reporting_familiesmonth;

DELETE FROM reporting_contactsmonth;

DELETE FROM reporting_staffmonth;

DELETE FROM reporting_topicsmonth;
