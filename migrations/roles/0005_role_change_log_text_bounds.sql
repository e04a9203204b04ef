-- schema-kit:up
-- The length bounds of user_role_change_log's text columns, the ones their zod schemas set
-- (issue 29): role names as roleNameSchema (32), the source as a vocabulary value (64), the reason
-- as freeText(2000). Added NOT VALID on the partitioned log (no scan under the lock); roles/0006
-- validates them outside a transaction. A longer value written by raw SQL makes that validation
-- fail: the upgrade stops at this version, naming the constraint.

ALTER TABLE :SCHEMA_KIT_SCHEMA.user_role_change_log
  ADD CONSTRAINT user_role_change_log_previous_role_length_check CHECK (char_length(previous_role) <= 32) NOT VALID,
  ADD CONSTRAINT user_role_change_log_new_role_length_check CHECK (char_length(new_role) <= 32) NOT VALID,
  ADD CONSTRAINT user_role_change_log_reason_length_check CHECK (char_length(reason) <= 2000) NOT VALID,
  ADD CONSTRAINT user_role_change_log_change_source_length_check CHECK (char_length(change_source) <= 64) NOT VALID;

-- schema-kit:down
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_role_change_log
  DROP CONSTRAINT user_role_change_log_change_source_length_check,
  DROP CONSTRAINT user_role_change_log_reason_length_check,
  DROP CONSTRAINT user_role_change_log_new_role_length_check,
  DROP CONSTRAINT user_role_change_log_previous_role_length_check;
