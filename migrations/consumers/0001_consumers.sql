-- schema-kit:up
-- One row per durable feed consumer (FeedConsumer): where it stopped in the global feed of
-- event_log (position_tx, position_id: the (tx_id, id) of the last event it handled), how its
-- current event fails (attempts, last_error), which wake-up it uses (mode), and the lease of its
-- one active runner (owner, lease_until, heartbeat_at). The runner moves the position in the same
-- transaction as the host's own writes, fenced by owner: a runner that lost the lease cannot move it.
CREATE TABLE :SCHEMA_KIT_SCHEMA.consumer_checkpoints (
  name text NOT NULL,
  position_tx xid8 NOT NULL DEFAULT '0',
  position_id bigint NOT NULL DEFAULT 0,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  mode text NOT NULL DEFAULT 'poll',
  owner uuid,
  lease_until timestamptz,
  heartbeat_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT consumer_checkpoints_pkey PRIMARY KEY (name),
  CONSTRAINT consumer_checkpoints_name_check CHECK (char_length(name) BETWEEN 1 AND 128),
  CONSTRAINT consumer_checkpoints_attempts_check CHECK (attempts >= 0),
  CONSTRAINT consumer_checkpoints_last_error_check CHECK (char_length(last_error) <= 2000),
  CONSTRAINT consumer_checkpoints_mode_check CHECK (mode IN ('listen', 'poll'))
);

-- schema-kit:down
DROP TABLE :SCHEMA_KIT_SCHEMA.consumer_checkpoints;
