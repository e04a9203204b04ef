-- schema-kit:up
-- Conversations for LLM applications, expand step 1 of 8 (conversations only: a file that locks one
-- existing table cannot deadlock with the host's writers): the message counter, tool calls,
-- summaries and running usage totals per model. Brief: no row of conversations is read or written.

-- The seq of the conversation's newest message. Null: a conversation whose messages are not
-- numbered yet (the first insert into it once the seq trigger exists (0006), or the backfill (0008),
-- numbers them). New conversations start at 0 once the seq trigger exists (0007).
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversations ADD COLUMN last_message_seq integer;
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversations
  ADD CONSTRAINT conversations_last_message_seq_check CHECK (last_message_seq >= 0) NOT VALID;

-- Moving the message counter is bookkeeping, not an edit of the conversation: updated_at stays
-- (0.1.0 never touched a conversation when a message was written, and the backfill changes no host data).
DROP TRIGGER conversations_set_updated_at ON :SCHEMA_KIT_SCHEMA.conversations;
CREATE TRIGGER conversations_set_updated_at BEFORE UPDATE ON :SCHEMA_KIT_SCHEMA.conversations
  FOR EACH ROW WHEN (OLD.last_message_seq IS NOT DISTINCT FROM NEW.last_message_seq)
  EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.core_set_updated_at();

-- A tool call id is unique within its conversation; a tool result names one (foreign key, 0004).
CREATE TABLE :SCHEMA_KIT_SCHEMA.message_tool_calls (
  conversation_id uuid NOT NULL,
  call_id text NOT NULL,
  seq integer NOT NULL,
  CONSTRAINT message_tool_calls_pkey PRIMARY KEY (conversation_id, call_id),
  CONSTRAINT message_tool_calls_conversation_id_fkey FOREIGN KEY (conversation_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.conversations (id) ON DELETE CASCADE,
  CONSTRAINT message_tool_calls_call_id_check CHECK (call_id <> ''),
  CONSTRAINT message_tool_calls_seq_check CHECK (seq > 0)
);

-- Summaries stand in for a conversation's messages up to through_seq; the newest (highest id) wins.
CREATE TABLE :SCHEMA_KIT_SCHEMA.conversation_summaries (
  id bigint GENERATED ALWAYS AS IDENTITY,
  conversation_id uuid NOT NULL,
  through_seq integer NOT NULL,
  content text NOT NULL,
  token_count integer NOT NULL,
  model text,
  summary_metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT conversation_summaries_pkey PRIMARY KEY (id),
  CONSTRAINT conversation_summaries_conversation_id_fkey FOREIGN KEY (conversation_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.conversations (id) ON DELETE CASCADE,
  CONSTRAINT conversation_summaries_through_seq_check CHECK (through_seq > 0),
  CONSTRAINT conversation_summaries_token_count_check CHECK (token_count >= 0),
  CONSTRAINT conversation_summaries_model_check CHECK (model <> ''),
  CONSTRAINT conversation_summaries_summary_metadata_check CHECK (jsonb_typeof(summary_metadata) = 'object')
);

CREATE INDEX conversation_summaries_conversation_id_id_idx
  ON :SCHEMA_KIT_SCHEMA.conversation_summaries (conversation_id, id);

-- Running usage totals of a conversation per model ('' for messages stored without a model).
CREATE TABLE :SCHEMA_KIT_SCHEMA.conversation_usage (
  conversation_id uuid NOT NULL,
  model text NOT NULL,
  input_tokens bigint NOT NULL DEFAULT 0,
  output_tokens bigint NOT NULL DEFAULT 0,
  cached_tokens bigint NOT NULL DEFAULT 0,
  message_count integer NOT NULL DEFAULT 0,
  CONSTRAINT conversation_usage_pkey PRIMARY KEY (conversation_id, model),
  CONSTRAINT conversation_usage_conversation_id_fkey FOREIGN KEY (conversation_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.conversations (id) ON DELETE CASCADE,
  CONSTRAINT conversation_usage_input_tokens_check CHECK (input_tokens >= 0),
  CONSTRAINT conversation_usage_output_tokens_check CHECK (output_tokens >= 0),
  CONSTRAINT conversation_usage_cached_tokens_check CHECK (cached_tokens >= 0),
  CONSTRAINT conversation_usage_message_count_check CHECK (message_count >= 0)
);

-- schema-kit:down
DROP TABLE :SCHEMA_KIT_SCHEMA.conversation_usage;
DROP TABLE :SCHEMA_KIT_SCHEMA.conversation_summaries;
DROP TABLE :SCHEMA_KIT_SCHEMA.message_tool_calls;
DROP TRIGGER conversations_set_updated_at ON :SCHEMA_KIT_SCHEMA.conversations;
CREATE TRIGGER conversations_set_updated_at BEFORE UPDATE ON :SCHEMA_KIT_SCHEMA.conversations
  FOR EACH ROW EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.core_set_updated_at();
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversations DROP COLUMN last_message_seq;
