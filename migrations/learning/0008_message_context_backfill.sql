-- schema-kit:no-transaction
-- schema-kit:up
-- Conversations for LLM applications, step 6 of 8, outside a transaction while the host keeps
-- writing: the messages written before the seq trigger (0006) numbered 20 conversations at a
-- time (a batch holds their rows until it commits: a writer of one of them waits that long), the
-- constraints of 0003, 0004 and 0007 validated (no write waits on a validation). Every statement
-- is idempotent: an interrupted run is rerun whole.

-- schema-kit:batch
SELECT :SCHEMA_KIT_SCHEMA.learning_backfill_message_seq(20);

DROP INDEX CONCURRENTLY IF EXISTS :SCHEMA_KIT_SCHEMA.conversations_message_seq_backfill_idx;

ALTER TABLE :SCHEMA_KIT_SCHEMA.conversations VALIDATE CONSTRAINT conversations_last_message_seq_not_null;
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversations VALIDATE CONSTRAINT conversations_last_message_seq_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages VALIDATE CONSTRAINT messages_seq_not_null;
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages VALIDATE CONSTRAINT messages_seq_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages VALIDATE CONSTRAINT messages_role_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages VALIDATE CONSTRAINT messages_content_parts_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages VALIDATE CONSTRAINT messages_tool_calls_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages VALIDATE CONSTRAINT messages_tool_call_id_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages VALIDATE CONSTRAINT messages_call_seq_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages VALIDATE CONSTRAINT messages_tool_call_id_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages VALIDATE CONSTRAINT messages_model_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages VALIDATE CONSTRAINT messages_input_tokens_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages VALIDATE CONSTRAINT messages_output_tokens_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages VALIDATE CONSTRAINT messages_cached_tokens_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages VALIDATE CONSTRAINT messages_latency_ms_check;

-- The seq index serves every per-conversation read; the timestamp order is no longer one.
DROP INDEX CONCURRENTLY IF EXISTS :SCHEMA_KIT_SCHEMA.messages_conversation_id_created_at_id_idx;

-- schema-kit:down
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_conversation_id_created_at_id_idx
  ON :SCHEMA_KIT_SCHEMA.messages (conversation_id, created_at, id);
