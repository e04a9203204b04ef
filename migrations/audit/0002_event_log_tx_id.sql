-- schema-kit:up
-- The global feed (EventLogRepo.stream) reads below pg_snapshot_xmin(pg_current_snapshot()) in
-- (tx_id, id) order: that is only gap-free if tx_id is the writing transaction. The column's
-- default sets it, but an INSERT naming tx_id could forge it (e.g. '3') and hide the event from
-- every stream reader past that position. This trigger makes the database enforce it: a row whose
-- tx_id is not the writing transaction's gets it rewritten. The WHEN clause keeps the hot path
-- cheap: a row that takes the default never calls the function.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.event_log_enforce_tx_id() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
BEGIN
  NEW.tx_id := pg_current_xact_id();
  RETURN NEW;
END
$$;

CREATE TRIGGER event_log_enforce_tx_id
  BEFORE INSERT ON :SCHEMA_KIT_SCHEMA.event_log
  FOR EACH ROW
  WHEN (NEW.tx_id IS DISTINCT FROM pg_current_xact_id())
  EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.event_log_enforce_tx_id();
ALTER TABLE :SCHEMA_KIT_SCHEMA.event_log ENABLE ALWAYS TRIGGER event_log_enforce_tx_id;

-- schema-kit:down
DROP TRIGGER event_log_enforce_tx_id ON :SCHEMA_KIT_SCHEMA.event_log;
DROP FUNCTION :SCHEMA_KIT_SCHEMA.event_log_enforce_tx_id();
