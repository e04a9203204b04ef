-- schema-kit:up
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.user_role_change_log_reject_change() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
BEGIN
  RAISE EXCEPTION 'user_role_change_log is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'Record a new role change instead of changing or removing history.';
END
$$;

CREATE TABLE :SCHEMA_KIT_SCHEMA.user_role_change_log (
  id bigint GENERATED ALWAYS AS IDENTITY,
  user_id uuid NOT NULL,
  previous_role text,
  new_role text NOT NULL,
  changed_by text NOT NULL,
  reason text,
  change_source text NOT NULL,
  change_metadata jsonb NOT NULL DEFAULT '{}',
  changed_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT user_role_change_log_pkey PRIMARY KEY (id),
  CONSTRAINT user_role_change_log_previous_role_check CHECK (previous_role <> ''),
  CONSTRAINT user_role_change_log_new_role_check CHECK (new_role <> ''),
  CONSTRAINT user_role_change_log_changed_by_check
    CHECK (char_length(changed_by) BETWEEN 1 AND 512),
  CONSTRAINT user_role_change_log_change_source_check
    CHECK (change_source IN ('admin', 'system', 'api', 'migration', 'self')),
  CONSTRAINT user_role_change_log_change_metadata_check
    CHECK (jsonb_typeof(change_metadata) = 'object')
);

CREATE INDEX user_role_change_log_user_id_changed_at_id_idx
  ON :SCHEMA_KIT_SCHEMA.user_role_change_log (user_id, changed_at, id);
CREATE INDEX user_role_change_log_changed_by_changed_at_id_idx
  ON :SCHEMA_KIT_SCHEMA.user_role_change_log (changed_by, changed_at, id);

CREATE TRIGGER user_role_change_log_reject_change
  BEFORE UPDATE OR DELETE ON :SCHEMA_KIT_SCHEMA.user_role_change_log
  FOR EACH ROW EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.user_role_change_log_reject_change();
CREATE TRIGGER user_role_change_log_reject_truncate
  BEFORE TRUNCATE ON :SCHEMA_KIT_SCHEMA.user_role_change_log
  FOR EACH STATEMENT EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.user_role_change_log_reject_change();
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_role_change_log
  ENABLE ALWAYS TRIGGER user_role_change_log_reject_change;
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_role_change_log
  ENABLE ALWAYS TRIGGER user_role_change_log_reject_truncate;

-- schema-kit:down
DROP TABLE :SCHEMA_KIT_SCHEMA.user_role_change_log;
DROP FUNCTION :SCHEMA_KIT_SCHEMA.user_role_change_log_reject_change();
