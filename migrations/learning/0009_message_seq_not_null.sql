-- schema-kit:up
-- Conversations for LLM applications, contract step 7 of 8 (messages only): seq becomes NOT NULL,
-- proven by the CHECK 0008 validated, so PostgreSQL does not scan the table. Brief: catalog
-- changes only.

-- schema-kit:lock-heavy SET NOT NULL proven by validated CHECK messages_seq_not_null: no scan
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages ALTER COLUMN seq SET NOT NULL;

ALTER TABLE :SCHEMA_KIT_SCHEMA.messages DROP CONSTRAINT messages_seq_not_null;

-- schema-kit:down
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages
  ALTER COLUMN seq DROP NOT NULL,
  ADD CONSTRAINT messages_seq_not_null CHECK (seq IS NOT NULL) NOT VALID;
