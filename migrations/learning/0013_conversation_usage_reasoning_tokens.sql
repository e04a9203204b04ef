-- schema-kit:up
-- The reasoning tokens of a conversation's model calls, per model, beside the input, output and
-- cached ones (issue 32: the AI SDK reports them per step). They are part of output_tokens, as the
-- providers count them; this column says how many of them were reasoning.

-- schema-kit:lock-heavy conversation_usage holds one row per conversation and model, and the new column holds the constant default 0 on every row: the CHECK's scan is short and cannot fail
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversation_usage
  ADD COLUMN reasoning_tokens bigint NOT NULL DEFAULT 0 CONSTRAINT conversation_usage_reasoning_tokens_check CHECK (reasoning_tokens >= 0);

-- schema-kit:down
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversation_usage DROP COLUMN reasoning_tokens;
