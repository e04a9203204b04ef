-- schema-kit:up
-- Wakes durable feed consumers (FeedConsumer) listening for appends: one pg_notify per INSERT
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
