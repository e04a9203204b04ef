-- schema-kit:up
-- Host-owned vocabularies: dissonance_records.risk_level.
-- Each becomes a lookup table like roles, seeded with the defaults, and the column's CHECK
-- list becomes a foreign key to it: a host adds a value with one INSERT (or VocabularyRepo.add)
-- instead of an ALTER TABLE.
-- Also: deleting a conversation no longer deletes its dissonance records (critical risk records
-- outlive the conversation they came from): the foreign key becomes ON DELETE SET NULL. And the
-- length bounds of the text columns, the ones their zod schemas set (issue 29).
-- Online: the foreign keys and the bounds are added NOT VALID (no scan under the lock):
-- insights/0003 validates them outside a transaction. A longer value written by raw SQL makes
-- that validation fail: the upgrade stops at this version, naming the constraint.

CREATE TABLE :SCHEMA_KIT_SCHEMA.risk_levels (
  name text NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT risk_levels_pkey PRIMARY KEY (name),
  CONSTRAINT risk_levels_name_check CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$'),
  CONSTRAINT risk_levels_description_length_check CHECK (char_length(description) <= 2000)
);

INSERT INTO :SCHEMA_KIT_SCHEMA.risk_levels (name) VALUES
  ('low'),
  ('medium'),
  ('high'),
  ('critical');

ALTER TABLE :SCHEMA_KIT_SCHEMA.dissonance_records DROP CONSTRAINT dissonance_records_risk_level_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.dissonance_records ADD CONSTRAINT dissonance_records_risk_level_fkey FOREIGN KEY (risk_level)
  REFERENCES :SCHEMA_KIT_SCHEMA.risk_levels (name) ON UPDATE CASCADE NOT VALID;

ALTER TABLE :SCHEMA_KIT_SCHEMA.dissonance_records
  DROP CONSTRAINT dissonance_records_conversation_id_fkey,
  ADD CONSTRAINT dissonance_records_conversation_id_fkey FOREIGN KEY (conversation_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.conversations (id) ON DELETE SET NULL NOT VALID,
  ADD CONSTRAINT dissonance_records_transcript_length_check CHECK (char_length(transcript) <= 1000000) NOT VALID,
  ADD CONSTRAINT dissonance_records_interpretation_length_check CHECK (char_length(interpretation) <= 100000) NOT VALID;

-- schema-kit:down
ALTER TABLE :SCHEMA_KIT_SCHEMA.dissonance_records
  DROP CONSTRAINT dissonance_records_interpretation_length_check,
  DROP CONSTRAINT dissonance_records_transcript_length_check,
  DROP CONSTRAINT dissonance_records_conversation_id_fkey,
  ADD CONSTRAINT dissonance_records_conversation_id_fkey FOREIGN KEY (conversation_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.conversations (id) ON DELETE CASCADE;
ALTER TABLE :SCHEMA_KIT_SCHEMA.dissonance_records DROP CONSTRAINT dissonance_records_risk_level_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.dissonance_records ADD CONSTRAINT dissonance_records_risk_level_check
  CHECK (risk_level IN ('low', 'medium', 'high', 'critical'));
DROP TABLE :SCHEMA_KIT_SCHEMA.risk_levels;
