DROP TRIGGER IF EXISTS assessment_area_scores_ins ON plans_assessmentscore;
DROP TRIGGER IF EXISTS assessment_area_scores_upd ON plans_assessmentscore;
DROP TRIGGER IF EXISTS assessment_area_scores_del ON plans_assessmentscore;
DROP FUNCTION IF EXISTS assessment_area_scores_sync();
