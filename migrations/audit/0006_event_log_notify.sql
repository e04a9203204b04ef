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

-- schema-kit:down
DROP TRIGGER event_log_notify ON :SCHEMA_KIT_SCHEMA.event_log;
DROP FUNCTION :SCHEMA_KIT_SCHEMA.event_log_notify();
