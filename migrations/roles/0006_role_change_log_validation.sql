-- schema-kit:no-transaction
-- schema-kit:up
-- Validates what roles/0005 added NOT VALID, with appends going on (each statement on its own; a
-- rerun validates again, which is idempotent).

ALTER TABLE :SCHEMA_KIT_SCHEMA.user_role_change_log VALIDATE CONSTRAINT user_role_change_log_previous_role_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_role_change_log VALIDATE CONSTRAINT user_role_change_log_new_role_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_role_change_log VALIDATE CONSTRAINT user_role_change_log_reason_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_role_change_log VALIDATE CONSTRAINT user_role_change_log_change_source_length_check;

-- schema-kit:down
-- Validation has nothing to revert: the down of roles/0005 drops the constraints.
SELECT 1;
