-- schema-kit:no-transaction
-- schema-kit:up
-- Conversations for LLM applications, step 3 of 8, outside a transaction while the host keeps
-- writing: the indexes built concurrently (an interrupted build is dropped and rebuilt by the
-- runner), before the seq trigger (0006) needs the seq index.

-- One row per seq: every per-conversation read, and the probe that numbers a new message. It
-- carries what the context window adds up, so the window reads the index alone.
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS messages_conversation_id_seq_key
  ON :SCHEMA_KIT_SCHEMA.messages (conversation_id, seq) INCLUDE (call_seq, context_tokens);

-- The results of a call, for the foreign key's cascade.
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_conversation_id_tool_call_id_idx
  ON :SCHEMA_KIT_SCHEMA.messages (conversation_id, tool_call_id) WHERE tool_call_id IS NOT NULL;

-- The conversations still to number, for the backfill (dropped once it is done).
CREATE INDEX CONCURRENTLY IF NOT EXISTS conversations_message_seq_backfill_idx
  ON :SCHEMA_KIT_SCHEMA.conversations (id) WHERE last_message_seq IS NULL;

-- schema-kit:down
DROP INDEX CONCURRENTLY IF EXISTS :SCHEMA_KIT_SCHEMA.conversations_message_seq_backfill_idx;
DROP INDEX CONCURRENTLY IF EXISTS :SCHEMA_KIT_SCHEMA.messages_conversation_id_tool_call_id_idx;
DROP INDEX CONCURRENTLY IF EXISTS :SCHEMA_KIT_SCHEMA.messages_conversation_id_seq_key;
