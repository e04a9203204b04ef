-- schema-kit:up
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.event_log_reject_change() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
BEGIN
  RAISE EXCEPTION 'event_log is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'Append a new event instead of changing or removing history.';
END
$$;

CREATE TABLE :SCHEMA_KIT_SCHEMA.event_log (
  id bigint GENERATED ALWAYS AS IDENTITY,
  user_id text,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text NOT NULL,
  "timestamp" timestamptz NOT NULL DEFAULT now(),
  details jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  CONSTRAINT event_log_pkey PRIMARY KEY (id),
  CONSTRAINT event_log_user_id_check CHECK (char_length(user_id) BETWEEN 1 AND 512),
  CONSTRAINT event_log_action_check CHECK (char_length(action) BETWEEN 1 AND 128),
  CONSTRAINT event_log_entity_type_check CHECK (char_length(entity_type) BETWEEN 1 AND 128),
  CONSTRAINT event_log_entity_id_check CHECK (char_length(entity_id) BETWEEN 1 AND 512),
  CONSTRAINT event_log_details_check CHECK (jsonb_typeof(details) = 'object')
);

CREATE INDEX event_log_user_id_id_idx ON :SCHEMA_KIT_SCHEMA.event_log (user_id, id);
CREATE INDEX event_log_entity_type_entity_id_id_idx
  ON :SCHEMA_KIT_SCHEMA.event_log (entity_type, entity_id, id);
CREATE INDEX event_log_timestamp_idx ON :SCHEMA_KIT_SCHEMA.event_log ("timestamp");
CREATE INDEX event_log_tx_id_id_idx ON :SCHEMA_KIT_SCHEMA.event_log (tx_id, id);

CREATE TRIGGER event_log_reject_change
  BEFORE UPDATE OR DELETE ON :SCHEMA_KIT_SCHEMA.event_log
  FOR EACH ROW EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.event_log_reject_change();
CREATE TRIGGER event_log_reject_truncate
  BEFORE TRUNCATE ON :SCHEMA_KIT_SCHEMA.event_log
  FOR EACH STATEMENT EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.event_log_reject_change();
ALTER TABLE :SCHEMA_KIT_SCHEMA.event_log ENABLE ALWAYS TRIGGER event_log_reject_change;
ALTER TABLE :SCHEMA_KIT_SCHEMA.event_log ENABLE ALWAYS TRIGGER event_log_reject_truncate;

-- schema-kit:down
DROP TABLE :SCHEMA_KIT_SCHEMA.event_log;
DROP FUNCTION :SCHEMA_KIT_SCHEMA.event_log_reject_change();
