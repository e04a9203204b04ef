-- schema-kit:up
-- Bot sessions (grammY's StorageAdapter, Telegraf's SessionStore): one JSON value per key, with
-- an optional expiry. A key is the framework's session key (by default the chat's id, which in a
-- private chat is the user's Telegram id), with the host's prefix.
CREATE TABLE :SCHEMA_KIT_SCHEMA.sessions (
  key text NOT NULL,
  value jsonb NOT NULL,
  expires_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sessions_pkey PRIMARY KEY (key),
  CONSTRAINT sessions_key_check CHECK (char_length(key) BETWEEN 1 AND 512)
);

-- pruning reads the expired rows only: sessions without an expiry are not in the index
CREATE INDEX sessions_expires_at_idx
  ON :SCHEMA_KIT_SCHEMA.sessions (expires_at) WHERE expires_at IS NOT NULL;

-- schema-kit:down
DROP TABLE :SCHEMA_KIT_SCHEMA.sessions;
