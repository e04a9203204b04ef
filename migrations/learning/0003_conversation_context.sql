-- schema-kit:up
-- Conversations for LLM applications: a per-conversation message sequence, tool calls and their
-- results, content parts, per-message usage, summaries and running usage totals per model.

-- The sequence counter: the seq of the conversation's newest message.
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversations
  ADD COLUMN last_message_seq integer NOT NULL DEFAULT 0,
  ADD CONSTRAINT conversations_last_message_seq_check CHECK (last_message_seq >= 0);

ALTER TABLE :SCHEMA_KIT_SCHEMA.messages
  ADD COLUMN seq integer,
  ADD COLUMN content_parts jsonb,
  ADD COLUMN tool_calls jsonb,
  ADD COLUMN tool_call_id text,
  ADD COLUMN call_seq integer,
  ADD COLUMN model text,
  ADD COLUMN input_tokens integer,
  ADD COLUMN output_tokens integer,
  ADD COLUMN cached_tokens integer,
  ADD COLUMN finish_reason text,
  ADD COLUMN latency_ms integer,
  -- what the message takes in a context window: tokens_used when known, else ~4 characters a token
  ADD COLUMN context_tokens integer GENERATED ALWAYS AS (
    coalesce(tokens_used, (char_length(content) + coalesce(char_length(content_parts::text), 0)
      + coalesce(char_length(tool_calls::text), 0) + 3) / 4)
  ) STORED;

-- Existing messages keep the order they were read in: (created_at, id) within each conversation.
UPDATE :SCHEMA_KIT_SCHEMA.messages AS m SET seq = o.seq
FROM (
  SELECT id, row_number() OVER (PARTITION BY conversation_id ORDER BY created_at, id)::integer AS seq
  FROM :SCHEMA_KIT_SCHEMA.messages
) AS o
WHERE m.id = o.id;

UPDATE :SCHEMA_KIT_SCHEMA.conversations AS c SET last_message_seq = n.last
FROM (SELECT conversation_id, max(seq) AS last FROM :SCHEMA_KIT_SCHEMA.messages GROUP BY conversation_id) AS n
WHERE c.id = n.conversation_id;

-- A tool call id is unique within its conversation; a tool result names one (foreign key).
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

ALTER TABLE :SCHEMA_KIT_SCHEMA.messages
  ALTER COLUMN seq SET NOT NULL,
  ALTER COLUMN seq SET DEFAULT 0,
  ADD CONSTRAINT messages_conversation_id_seq_key UNIQUE (conversation_id, seq) INCLUDE (call_seq, context_tokens),
  ADD CONSTRAINT messages_seq_check CHECK (seq > 0),
  DROP CONSTRAINT messages_role_check,
  ADD CONSTRAINT messages_role_check CHECK (role IN ('user', 'assistant', 'system', 'tool')),
  ADD CONSTRAINT messages_content_parts_check CHECK (jsonb_typeof(content_parts) = 'array'),
  ADD CONSTRAINT messages_tool_calls_check
    CHECK (tool_calls IS NULL OR (role = 'assistant' AND jsonb_typeof(tool_calls) = 'array')),
  ADD CONSTRAINT messages_tool_call_id_check CHECK ((role = 'tool') = (tool_call_id IS NOT NULL)),
  ADD CONSTRAINT messages_call_seq_check CHECK ((role = 'tool') = (call_seq IS NOT NULL) AND call_seq < seq),
  ADD CONSTRAINT messages_tool_call_id_fkey FOREIGN KEY (conversation_id, tool_call_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.message_tool_calls (conversation_id, call_id) ON DELETE CASCADE,
  ADD CONSTRAINT messages_model_check CHECK (model <> ''),
  ADD CONSTRAINT messages_input_tokens_check CHECK (input_tokens >= 0),
  ADD CONSTRAINT messages_output_tokens_check CHECK (output_tokens >= 0),
  ADD CONSTRAINT messages_cached_tokens_check CHECK (cached_tokens >= 0 AND cached_tokens <= input_tokens),
  ADD CONSTRAINT messages_latency_ms_check CHECK (latency_ms >= 0);

-- The results of a call, for the foreign key's cascade.
CREATE INDEX messages_conversation_id_tool_call_id_idx
  ON :SCHEMA_KIT_SCHEMA.messages (conversation_id, tool_call_id) WHERE tool_call_id IS NOT NULL;

-- The seq index serves every per-conversation read; the timestamp order is no longer one.
DROP INDEX :SCHEMA_KIT_SCHEMA.messages_conversation_id_created_at_id_idx;

-- A writer that inserts without a seq (raw SQL; the default 0 means "the next one") gets the next
-- one, under the conversation's row lock; ConversationRepo assigns a whole batch in its own
-- statement and never fires this.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.learning_assign_message_seq() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
BEGIN
  UPDATE :SCHEMA_KIT_SCHEMA.conversations SET last_message_seq = last_message_seq + 1
    WHERE id = NEW.conversation_id
    RETURNING last_message_seq INTO NEW.seq;
  -- no such conversation: the foreign key refuses the row
  NEW.seq := coalesce(NEW.seq, 1);
  RETURN NEW;
END
$$;

CREATE TRIGGER messages_assign_seq BEFORE INSERT ON :SCHEMA_KIT_SCHEMA.messages
  FOR EACH ROW WHEN (NEW.seq = 0) EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.learning_assign_message_seq();
-- also under session_replication_role = replica (bulk loads): a row without a seq is never valid
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages ENABLE ALWAYS TRIGGER messages_assign_seq;

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
DROP TRIGGER messages_assign_seq ON :SCHEMA_KIT_SCHEMA.messages;
DROP FUNCTION :SCHEMA_KIT_SCHEMA.learning_assign_message_seq();
-- tool results cannot be told in the previous schema's roles
DELETE FROM :SCHEMA_KIT_SCHEMA.messages WHERE role = 'tool';
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages DROP CONSTRAINT messages_tool_call_id_fkey;
DROP TABLE :SCHEMA_KIT_SCHEMA.message_tool_calls;
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages
  DROP CONSTRAINT messages_role_check,
  ADD CONSTRAINT messages_role_check CHECK (role IN ('user', 'assistant', 'system')),
  DROP COLUMN context_tokens,
  DROP COLUMN latency_ms,
  DROP COLUMN finish_reason,
  DROP COLUMN cached_tokens,
  DROP COLUMN output_tokens,
  DROP COLUMN input_tokens,
  DROP COLUMN model,
  DROP COLUMN call_seq,
  DROP COLUMN tool_call_id,
  DROP COLUMN tool_calls,
  DROP COLUMN content_parts,
  DROP COLUMN seq;
CREATE INDEX messages_conversation_id_created_at_id_idx
  ON :SCHEMA_KIT_SCHEMA.messages (conversation_id, created_at, id);
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversations DROP COLUMN last_message_seq;
