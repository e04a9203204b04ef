-- schema-kit:up
-- Host-owned vocabularies: user_role_change_log.change_source.
-- The vocabulary becomes a lookup table like roles, seeded with the defaults: a host adds a value
-- with one INSERT (or VocabularyRepo.add) instead of an ALTER TABLE. The log is append-only and
-- keeps no foreign keys (its history outlives what it names; and roles/0005 rebuilds it as a
-- partitioned table, which keeps its triggers), so a BEFORE INSERT trigger checks a new row's
-- source instead of a foreign key: it locks the source row as a foreign key would (FOR KEY SHARE)
-- and refuses an unknown one as a foreign key would (SQLSTATE 23503, constraint
-- user_role_change_log_change_source_fkey). Removing a source later leaves the history as it is.

CREATE TABLE :SCHEMA_KIT_SCHEMA.change_sources (
  name text NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT change_sources_pkey PRIMARY KEY (name),
  CONSTRAINT change_sources_name_check CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$'),
  CONSTRAINT change_sources_description_length_check CHECK (char_length(description) <= 2000)
);

INSERT INTO :SCHEMA_KIT_SCHEMA.change_sources (name) VALUES
  ('admin'),
  ('system'),
  ('api'),
  ('migration'),
  ('self');

CREATE FUNCTION :SCHEMA_KIT_SCHEMA.user_role_change_log_check_source() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
DECLARE
  v_found bigint;
BEGIN
  EXECUTE pg_catalog.format('SELECT 1 FROM %I.change_sources WHERE name = $1 FOR KEY SHARE', TG_TABLE_SCHEMA)
    USING NEW.change_source;
  GET DIAGNOSTICS v_found = ROW_COUNT;
  IF v_found = 0 THEN
    RAISE EXCEPTION 'change_source % is not in %.change_sources', NEW.change_source, TG_TABLE_SCHEMA
      USING ERRCODE = 'foreign_key_violation',
            CONSTRAINT = 'user_role_change_log_change_source_fkey',
            HINT = 'Add the source first (VocabularyRepo.add(''change_source'', ...) or an INSERT).';
  END IF;
  RETURN NEW;
END
$$;

ALTER TABLE :SCHEMA_KIT_SCHEMA.user_role_change_log DROP CONSTRAINT user_role_change_log_change_source_check;
CREATE TRIGGER user_role_change_log_check_source BEFORE INSERT ON :SCHEMA_KIT_SCHEMA.user_role_change_log
  FOR EACH ROW EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.user_role_change_log_check_source();
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_role_change_log ENABLE ALWAYS TRIGGER user_role_change_log_check_source;

-- schema-kit:down
DROP TRIGGER user_role_change_log_check_source ON :SCHEMA_KIT_SCHEMA.user_role_change_log;
DROP FUNCTION :SCHEMA_KIT_SCHEMA.user_role_change_log_check_source();
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_role_change_log ADD CONSTRAINT user_role_change_log_change_source_check
  CHECK (change_source IN ('admin', 'system', 'api', 'migration', 'self'));
DROP TABLE :SCHEMA_KIT_SCHEMA.change_sources;
