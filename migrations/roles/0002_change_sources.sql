-- schema-kit:up
-- Host-owned vocabularies: user_role_change_log.change_source.
-- Each becomes a lookup table like roles, seeded with the defaults, and the column's CHECK
-- list becomes a foreign key to it: a host adds a value with one INSERT (or VocabularyRepo.add)
-- instead of an ALTER TABLE.
-- The log is append-only: no ON UPDATE CASCADE (a renamed source would rewrite history).

CREATE TABLE :SCHEMA_KIT_SCHEMA.change_sources (
  name text NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT change_sources_pkey PRIMARY KEY (name),
  CONSTRAINT change_sources_name_check CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$')
);

INSERT INTO :SCHEMA_KIT_SCHEMA.change_sources (name) VALUES
  ('admin'),
  ('system'),
  ('api'),
  ('migration'),
  ('self');

ALTER TABLE :SCHEMA_KIT_SCHEMA.user_role_change_log DROP CONSTRAINT user_role_change_log_change_source_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_role_change_log ADD CONSTRAINT user_role_change_log_change_source_fkey FOREIGN KEY (change_source)
  REFERENCES :SCHEMA_KIT_SCHEMA.change_sources (name);

-- schema-kit:down
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_role_change_log DROP CONSTRAINT user_role_change_log_change_source_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_role_change_log ADD CONSTRAINT user_role_change_log_change_source_check
  CHECK (change_source IN ('admin', 'system', 'api', 'migration', 'self'));
DROP TABLE :SCHEMA_KIT_SCHEMA.change_sources;
