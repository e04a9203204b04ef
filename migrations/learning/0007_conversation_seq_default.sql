-- schema-kit:up
-- Conversations for LLM applications, expand step 5 of 8 (conversations only), once the seq trigger
-- exists (0006): a new conversation starts numbered, at 0 (its messages all get their seq from the
-- trigger), and last_message_seq may no longer be null in a new or changed row. Brief: catalog
-- changes only.

ALTER TABLE :SCHEMA_KIT_SCHEMA.conversations
  ALTER COLUMN last_message_seq SET DEFAULT 0,
  -- validated after the backfill (0008), then proves SET NOT NULL without a scan (0010)
  ADD CONSTRAINT conversations_last_message_seq_not_null CHECK (last_message_seq IS NOT NULL) NOT VALID;

-- schema-kit:down
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversations
  DROP CONSTRAINT conversations_last_message_seq_not_null,
  ALTER COLUMN last_message_seq DROP DEFAULT;
