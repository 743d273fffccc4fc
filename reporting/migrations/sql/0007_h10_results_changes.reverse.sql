DROP TRIGGER IF EXISTS figures_results_ins ON plans_referral;
DROP TRIGGER IF EXISTS figures_results_upd ON plans_referral;
DROP TRIGGER IF EXISTS figures_results_del ON plans_referral;
DROP FUNCTION IF EXISTS figures_changed_results_plans_referral();

DROP TRIGGER IF EXISTS figures_results_ins ON plans_goal;
DROP TRIGGER IF EXISTS figures_results_upd ON plans_goal;
DROP TRIGGER IF EXISTS figures_results_del ON plans_goal;
DROP FUNCTION IF EXISTS figures_changed_results_plans_goal();

DROP TRIGGER IF EXISTS figures_results_ins ON plans_assessment;
DROP TRIGGER IF EXISTS figures_results_upd ON plans_assessment;
DROP TRIGGER IF EXISTS figures_results_del ON plans_assessment;
DROP FUNCTION IF EXISTS figures_changed_results_plans_assessment();

DROP TRIGGER IF EXISTS figures_results_ins ON plans_assessmentscore;
DROP TRIGGER IF EXISTS figures_results_upd ON plans_assessmentscore;
DROP TRIGGER IF EXISTS figures_results_del ON plans_assessmentscore;
DROP FUNCTION IF EXISTS figures_changed_results_plans_assessmentscore();

DROP TRIGGER IF EXISTS figures_results_ins ON clients_caseepisode;
DROP TRIGGER IF EXISTS figures_results_upd ON clients_caseepisode;
DROP TRIGGER IF EXISTS figures_results_del ON clients_caseepisode;
DROP FUNCTION IF EXISTS figures_changed_results_clients_caseepisode();

DROP TRIGGER IF EXISTS figures_results_upd ON plans_plan;
DROP FUNCTION IF EXISTS figures_changed_results_plans_plan();

DROP TRIGGER IF EXISTS figures_results_ins ON clients_client;
DROP TRIGGER IF EXISTS figures_results_upd ON clients_client;
DROP FUNCTION IF EXISTS figures_changed_results_clients_client();
