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

-- Wakes durable feed consumers (FeedConsumer) listening for appends (installed with this module,
-- so a host without consumers pays nothing on its appends): one pg_notify per INSERT
-- statement on event_log (a statement trigger, not a row trigger, so appendMany of 1,000 rows sends
-- one), and PostgreSQL folds identical notifications of one transaction into one, so a transaction
-- notifies once. The channel names the schema (`<schema>.event_log`), so two installs on one
-- database do not wake each other; the payload is empty: a listener reads the feed, the feed is
-- the truth. A notification is only delivered at commit, after the events are visible.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.event_log_notify() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
BEGIN
  PERFORM pg_notify(TG_TABLE_SCHEMA || '.event_log', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER event_log_notify
  AFTER INSERT ON :SCHEMA_KIT_SCHEMA.event_log
  FOR EACH STATEMENT
  EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.event_log_notify();

-- Statement triggers are not cloned to partitions; the partitions created from now on get a copy
-- (lifecycle_copy_statement_triggers), so the existing ones get it here, and every partition looks
-- alike (doctor checks that). A copy fires only for an insert naming the partition itself.
DO $$
DECLARE
  v_partition regclass;
BEGIN
  FOR v_partition IN
    SELECT i.inhrelid::regclass FROM pg_catalog.pg_inherits i WHERE i.inhparent = ':SCHEMA_KIT_SCHEMA.event_log'::regclass
  LOOP
    EXECUTE pg_catalog.format('CREATE TRIGGER event_log_notify AFTER INSERT ON %s FOR EACH STATEMENT EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.event_log_notify()', v_partition);
  END LOOP;
END
$$;

-- schema-kit:down
DO $$
DECLARE
  v_partition regclass;
BEGIN
  FOR v_partition IN
    SELECT i.inhrelid::regclass FROM pg_catalog.pg_inherits i WHERE i.inhparent = ':SCHEMA_KIT_SCHEMA.event_log'::regclass
  LOOP
    EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS event_log_notify ON %s', v_partition);
  END LOOP;
END
$$;
DROP TRIGGER event_log_notify ON :SCHEMA_KIT_SCHEMA.event_log;
DROP FUNCTION :SCHEMA_KIT_SCHEMA.event_log_notify();
DROP TABLE :SCHEMA_KIT_SCHEMA.consumer_checkpoints;
