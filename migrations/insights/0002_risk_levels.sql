-- schema-kit:up
-- Host-owned vocabularies: dissonance_records.risk_level.
-- Each becomes a lookup table like roles, seeded with the defaults, and the column's CHECK
-- list becomes a foreign key to it: a host adds a value with one INSERT (or VocabularyRepo.add)
-- instead of an ALTER TABLE.

CREATE TABLE :SCHEMA_KIT_SCHEMA.risk_levels (
  name text NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT risk_levels_pkey PRIMARY KEY (name),
  CONSTRAINT risk_levels_name_check CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$')
);

INSERT INTO :SCHEMA_KIT_SCHEMA.risk_levels (name) VALUES
  ('low'),
  ('medium'),
  ('high'),
  ('critical');

ALTER TABLE :SCHEMA_KIT_SCHEMA.dissonance_records DROP CONSTRAINT dissonance_records_risk_level_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.dissonance_records ADD CONSTRAINT dissonance_records_risk_level_fkey FOREIGN KEY (risk_level)
  REFERENCES :SCHEMA_KIT_SCHEMA.risk_levels (name) ON UPDATE CASCADE;

-- schema-kit:down
ALTER TABLE :SCHEMA_KIT_SCHEMA.dissonance_records DROP CONSTRAINT dissonance_records_risk_level_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.dissonance_records ADD CONSTRAINT dissonance_records_risk_level_check
  CHECK (risk_level IN ('low', 'medium', 'high', 'critical'));
DROP TABLE :SCHEMA_KIT_SCHEMA.risk_levels;
