-- schema-kit:up
CREATE TABLE :SCHEMA_KIT_SCHEMA.processed_messages (
  consumer text NOT NULL DEFAULT 'default',
  message_id text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  result jsonb,
  CONSTRAINT processed_messages_pkey PRIMARY KEY (consumer, message_id),
  CONSTRAINT processed_messages_consumer_check CHECK (char_length(consumer) BETWEEN 1 AND 128),
  CONSTRAINT processed_messages_message_id_check
    CHECK (char_length(message_id) BETWEEN 1 AND 512)
);

CREATE INDEX processed_messages_processed_at_idx
  ON :SCHEMA_KIT_SCHEMA.processed_messages (processed_at);

-- schema-kit:down
DROP TABLE :SCHEMA_KIT_SCHEMA.processed_messages;
