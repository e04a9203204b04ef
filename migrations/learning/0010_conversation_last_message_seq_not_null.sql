-- schema-kit:up
-- Conversations for LLM applications, contract step 8 of 8 (conversations only): every
-- conversation is numbered, last_message_seq becomes NOT NULL, proven by the CHECK 0008 validated,
-- so PostgreSQL does not scan the table. Brief: catalog changes only.

-- schema-kit:lock-heavy SET NOT NULL proven by validated CHECK conversations_last_message_seq_not_null: no scan
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversations ALTER COLUMN last_message_seq SET NOT NULL;

ALTER TABLE :SCHEMA_KIT_SCHEMA.conversations DROP CONSTRAINT conversations_last_message_seq_not_null;

-- schema-kit:down
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversations
  ALTER COLUMN last_message_seq DROP NOT NULL,
  ADD CONSTRAINT conversations_last_message_seq_not_null CHECK (last_message_seq IS NOT NULL) NOT VALID;
