-- schema-kit:up
-- Ready for partitioning (0004) and erasure. The append-only guard lets exactly two sanctioned
-- paths through: the move of rows out of the DEFAULT partition into their new month partition
-- (lifecycle_create_partition), and the pseudonymization of a forgotten user
-- (event_log_pseudonymize). New rows naming a forgotten user are refused.

CREATE OR REPLACE FUNCTION :SCHEMA_KIT_SCHEMA.event_log_reject_change() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
DECLARE
  v_pseudonym text := pg_catalog.current_setting('schemakit.erasure', true);
BEGIN
  IF TG_LEVEL = 'ROW' AND TG_OP = 'DELETE' AND TG_TABLE_NAME LIKE '%\_default'
     AND pg_catalog.current_setting('schemakit.partition_move', true)
       = pg_catalog.quote_ident(TG_TABLE_SCHEMA) || '.' || pg_catalog.quote_ident(TG_TABLE_NAME) THEN
    RETURN OLD;
  END IF;
  IF TG_LEVEL = 'ROW' AND TG_OP = 'UPDATE' AND v_pseudonym LIKE 'erased:%'
     AND NEW.id = OLD.id AND NEW.action = OLD.action AND NEW.entity_type = OLD.entity_type
     AND NEW."timestamp" = OLD."timestamp" AND NEW.created_at = OLD.created_at AND NEW.tx_id = OLD.tx_id
     AND (NEW.user_id IS NOT DISTINCT FROM OLD.user_id OR NEW.user_id = v_pseudonym)
     AND (NEW.entity_id = OLD.entity_id OR NEW.entity_id = v_pseudonym) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'event_log is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'Append a new event instead of changing or removing history.';
END
$$;

-- Which JSON fields of an event's details carry personal data, per action ('*': every action).
-- Erasure replaces them by the pseudonym in the events of the forgotten user.
CREATE TABLE :SCHEMA_KIT_SCHEMA.event_log_personal_fields (
  action text NOT NULL,
  path text[] NOT NULL,
  CONSTRAINT event_log_personal_fields_pkey PRIMARY KEY (action, path),
  CONSTRAINT event_log_personal_fields_action_check CHECK (char_length(action) BETWEEN 1 AND 128),
  CONSTRAINT event_log_personal_fields_path_check
    CHECK (cardinality(path) BETWEEN 1 AND 16 AND array_position(path, NULL) IS NULL)
);

-- The details of an event after erasure: strings equal to one of `p_ids` become `p_pseudonym`
-- and, in the events of the user (`p_own`), so do the fields declared personal for its action.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.event_log_redact_details(p_details jsonb, p_action text, p_own boolean, p_ids text[], p_pseudonym text)
  RETURNS jsonb
  LANGUAGE plpgsql STABLE
  SET search_path = ''
AS $$
DECLARE
  v_details jsonb := :SCHEMA_KIT_SCHEMA.lifecycle_jsonb_redact(p_details, p_ids, p_pseudonym);
  v_path text[];
BEGIN
  IF p_own THEN
    FOR v_path IN SELECT f.path FROM :SCHEMA_KIT_SCHEMA.event_log_personal_fields f WHERE f.action IN ('*', p_action) LOOP
      IF v_details #> v_path IS NOT NULL THEN
        v_details := pg_catalog.jsonb_set(v_details, v_path, pg_catalog.to_jsonb(p_pseudonym));
      END IF;
    END LOOP;
  END IF;
  RETURN v_details;
END
$$;

-- What an event names, for the erasure index: its user_id and entity_id, and the strings and
-- object keys of its details at any depth, those of at most 1024 bytes (an identifier longer than
-- that is looked for by reading the events: event_log_pseudonymize). PL/pgSQL, not SQL: an index
-- expression calls it once per appended row, and PL/pgSQL keeps the query's plan for the session
-- where a SQL function with SET search_path (never inlined) plans it on every call: about 1.8x
-- the appends per second (bench/RESULTS.md, the erasure index).
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.event_log_erasure_keys(p_user_id text, p_entity_id text, p_details jsonb)
  RETURNS text[]
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  SET search_path = ''
AS $$
BEGIN
  RETURN (SELECT pg_catalog.array_agg(DISTINCT k.key) FROM (
    SELECT p_user_id
    UNION ALL SELECT p_entity_id
    UNION ALL SELECT v.value OPERATOR(pg_catalog.#>>) '{}' FROM pg_catalog.jsonb_path_query(p_details, 'strict $.**') v(value)
      WHERE pg_catalog.jsonb_typeof(v.value) = 'string'
    UNION ALL SELECT o.key FROM pg_catalog.jsonb_path_query(p_details, 'strict $.**') v(value),
      pg_catalog.jsonb_object_keys(CASE WHEN pg_catalog.jsonb_typeof(v.value) = 'object' THEN v.value ELSE '{}' END) o(key)
  ) k(key)
  WHERE k.key IS NOT NULL AND pg_catalog.octet_length(k.key) <= 1024);
END
$$;


-- The one path that changes event rows, finding them through the index on event_log_erasure_keys
-- (event_log_erasure_keys_idx, built online by audit/0005): the rows whose keys overlap the
-- identifiers, then, exactly, the
-- events of the user (as actor or as entity) and the others naming a non-numeric identifier in
-- details. Identifiers too long for the index are looked for by reading the events, as before.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.event_log_pseudonymize(p_ids text[], p_pseudonym text) RETURNS bigint
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_count bigint := 0;
  v_rows bigint;
  v_needles text[];
  v_strings text[];
  v_table regclass;
  v_where text;
BEGIN
  IF p_pseudonym IS NULL OR p_pseudonym !~ '^erased:[0-9a-f-]{36}$' THEN
    RAISE EXCEPTION 'pseudonym: % is not erased:<uuid>', p_pseudonym USING ERRCODE = 'invalid_parameter_value';
  END IF;
  p_ids := ARRAY(SELECT DISTINCT i FROM pg_catalog.unnest(p_ids) i WHERE i IS NOT NULL AND i <> '');
  IF pg_catalog.cardinality(p_ids) = 0 THEN
    RETURN 0;
  END IF;
  -- inside JSON only identifiers that are not bare numbers: a telegram id 42 must not match a
  -- count of 42 in someone else's event
  v_strings := ARRAY(SELECT i FROM pg_catalog.unnest(p_ids) i WHERE i !~ '^[0-9]+$');
  v_needles := ARRAY(SELECT pg_catalog.to_jsonb(i)::text FROM pg_catalog.unnest(v_strings) i);
  IF EXISTS (SELECT FROM pg_catalog.unnest(p_ids) i WHERE pg_catalog.octet_length(i) > 1024) THEN
    v_where := 'e.user_id = ANY ($1) OR e.entity_id = ANY ($1)
      OR EXISTS (SELECT FROM pg_catalog.unnest($4) n WHERE pg_catalog.strpos(e.details::text, n) > 0)';
  ELSE
    v_where := ':SCHEMA_KIT_SCHEMA.event_log_erasure_keys(e.user_id, e.entity_id, e.details) OPERATOR(pg_catalog.&&) $1
      AND (e.user_id = ANY ($1) OR e.entity_id = ANY ($1)
        OR :SCHEMA_KIT_SCHEMA.event_log_erasure_keys(NULL, NULL, e.details) OPERATOR(pg_catalog.&&) $3)';
  END IF;
  PERFORM pg_catalog.set_config('schemakit.erasure', p_pseudonym, true);
  FOR v_table IN SELECT ':SCHEMA_KIT_SCHEMA.event_log'::regclass
                 UNION ALL SELECT * FROM :SCHEMA_KIT_SCHEMA.lifecycle_detached_partitions(':SCHEMA_KIT_SCHEMA.event_log') LOOP
    EXECUTE pg_catalog.format($u$
      UPDATE %s e SET
        user_id = CASE WHEN e.user_id = ANY ($1) THEN $2 ELSE e.user_id END,
        entity_id = CASE WHEN e.entity_id = ANY ($1) THEN $2 ELSE e.entity_id END,
        details = :SCHEMA_KIT_SCHEMA.event_log_redact_details(e.details, e.action,
          e.user_id = ANY ($1) OR e.entity_id = ANY ($1), $3, $2)
      WHERE %s$u$, v_table, v_where)
      USING p_ids, p_pseudonym, v_strings, v_needles;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    v_count := v_count + v_rows;
  END LOOP;
  PERFORM pg_catalog.set_config('schemakit.erasure', '', true);
  RETURN v_count;
END
$$;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.event_log_pseudonymize(text[], text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.event_log_redact_details(jsonb, text, boolean, text[], text) FROM PUBLIC;

-- New rows naming a forgotten user are refused (docs/lifecycle.md, erasure under concurrent writes).
SELECT :SCHEMA_KIT_SCHEMA.lifecycle_guard_forgotten(':SCHEMA_KIT_SCHEMA.event_log', ARRAY['user_id', 'entity_id']);

-- schema-kit:down
DROP TRIGGER event_log_refuse_forgotten ON :SCHEMA_KIT_SCHEMA.event_log;
DROP FUNCTION :SCHEMA_KIT_SCHEMA.event_log_refuse_forgotten();
DROP FUNCTION :SCHEMA_KIT_SCHEMA.event_log_pseudonymize(text[], text);
DROP FUNCTION :SCHEMA_KIT_SCHEMA.event_log_erasure_keys(text, text, jsonb);
DROP FUNCTION :SCHEMA_KIT_SCHEMA.event_log_redact_details(jsonb, text, boolean, text[], text);
DROP TABLE :SCHEMA_KIT_SCHEMA.event_log_personal_fields;
CREATE OR REPLACE FUNCTION :SCHEMA_KIT_SCHEMA.event_log_reject_change() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
BEGIN
  RAISE EXCEPTION 'event_log is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'Append a new event instead of changing or removing history.';
END
$$;
