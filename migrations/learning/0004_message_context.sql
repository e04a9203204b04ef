-- schema-kit:up
-- Conversations for LLM applications, expand step 2 of 8 (messages only): a per-conversation
-- message sequence, tool calls and their results, content parts, per-message usage. Brief: nullable
-- columns without defaults for the rows already there, constraints NOT VALID (validated by 0008
-- without blocking writes), the context_tokens trigger. No row of messages is read or written.

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
  -- what the message takes in a context window, kept by messages_set_context_tokens (0 for the
  -- rows already there until the backfill (0008) updates them: a constant default, no rewrite)
  ADD COLUMN context_tokens integer NOT NULL DEFAULT 0;

-- Rows keep a null seq until their conversation is numbered (0006 numbers new rows, 0008 the others).
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages
  ADD CONSTRAINT messages_seq_check CHECK (seq > 0) NOT VALID,
  DROP CONSTRAINT messages_role_check,
  ADD CONSTRAINT messages_role_check CHECK (role IN ('user', 'assistant', 'system', 'tool')) NOT VALID,
  ADD CONSTRAINT messages_content_parts_check CHECK (jsonb_typeof(content_parts) = 'array') NOT VALID,
  ADD CONSTRAINT messages_tool_calls_check
    CHECK (tool_calls IS NULL OR (role = 'assistant' AND jsonb_typeof(tool_calls) = 'array')) NOT VALID,
  ADD CONSTRAINT messages_tool_call_id_check CHECK ((role = 'tool') = (tool_call_id IS NOT NULL)) NOT VALID,
  ADD CONSTRAINT messages_call_seq_check CHECK ((role = 'tool') = (call_seq IS NOT NULL) AND call_seq < seq) NOT VALID,
  ADD CONSTRAINT messages_tool_call_id_fkey FOREIGN KEY (conversation_id, tool_call_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.message_tool_calls (conversation_id, call_id) ON DELETE CASCADE NOT VALID,
  ADD CONSTRAINT messages_model_check CHECK (model <> '') NOT VALID,
  ADD CONSTRAINT messages_input_tokens_check CHECK (input_tokens >= 0) NOT VALID,
  ADD CONSTRAINT messages_output_tokens_check CHECK (output_tokens >= 0) NOT VALID,
  ADD CONSTRAINT messages_cached_tokens_check CHECK (cached_tokens >= 0 AND cached_tokens <= input_tokens) NOT VALID,
  ADD CONSTRAINT messages_latency_ms_check CHECK (latency_ms >= 0) NOT VALID;

-- A message's tokens in a context window: tokens_used when known, else about 4 characters a token.
-- Kept on every insert and update, a value written is replaced (a column, not computed at read: the seq index carries it, so the
-- context window reads the index alone).
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.learning_set_context_tokens() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
BEGIN
  NEW.context_tokens := coalesce(NEW.tokens_used, (char_length(NEW.content) + coalesce(char_length(NEW.content_parts::text), 0)
    + coalesce(char_length(NEW.tool_calls::text), 0) + 3) / 4);
  RETURN NEW;
END
$$;

CREATE TRIGGER messages_set_context_tokens BEFORE INSERT OR UPDATE ON :SCHEMA_KIT_SCHEMA.messages
  FOR EACH ROW EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.learning_set_context_tokens();
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages ENABLE ALWAYS TRIGGER messages_set_context_tokens;

-- schema-kit:down
DROP TRIGGER messages_set_context_tokens ON :SCHEMA_KIT_SCHEMA.messages;
DROP FUNCTION :SCHEMA_KIT_SCHEMA.learning_set_context_tokens();
-- tool results cannot be told in the previous schema's roles
DELETE FROM :SCHEMA_KIT_SCHEMA.messages WHERE role = 'tool';
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages
  DROP CONSTRAINT messages_tool_call_id_fkey,
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
