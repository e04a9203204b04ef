-- schema-kit:no-transaction
-- schema-kit:up
-- Validates what planning/0003 added NOT VALID, with writes going on (each statement on its own,
-- a rerun validates again, which is idempotent).

ALTER TABLE :SCHEMA_KIT_SCHEMA.projects VALIDATE CONSTRAINT projects_description_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.features VALIDATE CONSTRAINT features_description_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.features VALIDATE CONSTRAINT features_status_reason_length_check;

-- schema-kit:down
-- Validation has nothing to revert: the down of planning/0003 drops the constraints.
SELECT 1;
