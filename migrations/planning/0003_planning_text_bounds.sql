-- schema-kit:up
-- The length bounds of the free text of projects and features, the ones their zod schemas set
-- (issue 29). Added NOT VALID (no scan under the lock); planning/0004 validates them outside a
-- transaction. A longer value written by raw SQL makes that validation fail: the upgrade stops
-- at this version, naming the constraint.

ALTER TABLE :SCHEMA_KIT_SCHEMA.projects
  ADD CONSTRAINT projects_description_length_check CHECK (char_length(description) <= 10000) NOT VALID;
ALTER TABLE :SCHEMA_KIT_SCHEMA.features
  ADD CONSTRAINT features_description_length_check CHECK (char_length(description) <= 10000) NOT VALID,
  ADD CONSTRAINT features_status_reason_length_check CHECK (char_length(status_reason) <= 2000) NOT VALID;

-- schema-kit:down
ALTER TABLE :SCHEMA_KIT_SCHEMA.features
  DROP CONSTRAINT features_status_reason_length_check,
  DROP CONSTRAINT features_description_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.projects DROP CONSTRAINT projects_description_length_check;
