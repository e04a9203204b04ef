-- schema-kit:up
-- The length bounds of the text columns learning/0003-0004 added, the ones their zod schemas set
-- (issue 29): model and finish_reason as newMessageSchema bounds them (conversation_usage.model
-- holds a message model), tool call ids as toolCallSchema does, summaries as newSummarySchema.
-- messages.content stays unbounded in the database (see test/schema/hygiene.test.ts).
-- Added NOT VALID (no scan of messages under the lock); learning/0012 validates them outside a
-- transaction.

ALTER TABLE :SCHEMA_KIT_SCHEMA.messages
  ADD CONSTRAINT messages_model_length_check CHECK (char_length(model) <= 256) NOT VALID,
  ADD CONSTRAINT messages_finish_reason_length_check CHECK (char_length(finish_reason) <= 256) NOT VALID,
  ADD CONSTRAINT messages_tool_call_id_length_check CHECK (char_length(tool_call_id) <= 256) NOT VALID;
ALTER TABLE :SCHEMA_KIT_SCHEMA.message_tool_calls
  ADD CONSTRAINT message_tool_calls_call_id_length_check CHECK (char_length(call_id) <= 256) NOT VALID;
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversation_summaries
  ADD CONSTRAINT conversation_summaries_content_length_check CHECK (char_length(content) <= 1000000) NOT VALID,
  ADD CONSTRAINT conversation_summaries_model_length_check CHECK (char_length(model) <= 256) NOT VALID;
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversation_usage
  ADD CONSTRAINT conversation_usage_model_length_check CHECK (char_length(model) <= 256) NOT VALID;

-- schema-kit:down
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversation_usage DROP CONSTRAINT conversation_usage_model_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversation_summaries
  DROP CONSTRAINT conversation_summaries_model_length_check,
  DROP CONSTRAINT conversation_summaries_content_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.message_tool_calls DROP CONSTRAINT message_tool_calls_call_id_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages
  DROP CONSTRAINT messages_tool_call_id_length_check,
  DROP CONSTRAINT messages_finish_reason_length_check,
  DROP CONSTRAINT messages_model_length_check;
