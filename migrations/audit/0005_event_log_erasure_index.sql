-- schema-kit:no-transaction
-- schema-kit:up
-- Erasure finds the events naming a user through an index instead of reading every event
-- (issue 29): event_log_erasure_keys lists what an event names (user_id, entity_id and every
-- string and object key at any depth of details, those short enough for an index entry), a GIN
-- index on it answers `&&` with the identifiers, and event_log_pseudonymize asks it.
-- Online: the index is made on the partitioned parent only (invalid, no rows to read), built on
-- each partition concurrently, and attached; once every partition has it the parent index is
-- valid, and partitions made later get it (lifecycle_create_partitions builds the parent's indexes).

-- What an event names, for the erasure index: its user_id and entity_id, and the strings and
-- object keys of its details at any depth, those of at most 1024 bytes (an identifier longer than
-- that is looked for by reading the events: event_log_pseudonymize).
CREATE OR REPLACE FUNCTION :SCHEMA_KIT_SCHEMA.event_log_erasure_keys(p_user_id text, p_entity_id text, p_details jsonb)
  RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = ''
AS $$
  SELECT pg_catalog.array_agg(DISTINCT k.key) FROM (
    SELECT p_user_id
    UNION ALL SELECT p_entity_id
    UNION ALL SELECT v.value OPERATOR(pg_catalog.#>>) '{}' FROM pg_catalog.jsonb_path_query(p_details, 'strict $.**') v(value)
      WHERE pg_catalog.jsonb_typeof(v.value) = 'string'
    UNION ALL SELECT o.key FROM pg_catalog.jsonb_path_query(p_details, 'strict $.**') v(value),
      pg_catalog.jsonb_object_keys(CASE WHEN pg_catalog.jsonb_typeof(v.value) = 'object' THEN v.value ELSE '{}' END) o(key)
  ) k(key)
  WHERE k.key IS NOT NULL AND pg_catalog.octet_length(k.key) <= 1024
$$;

-- schema-kit:lock-heavy ON ONLY the partitioned parent: it holds no rows, nothing is built
CREATE INDEX IF NOT EXISTS event_log_erasure_keys_idx ON ONLY :SCHEMA_KIT_SCHEMA.event_log
  USING gin (:SCHEMA_KIT_SCHEMA.event_log_erasure_keys(user_id, entity_id, details));

-- schema-kit:each
SELECT s.statement FROM (
  SELECT c.oid, 1 AS step, pg_catalog.format(
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS %I ON %s USING gin (:SCHEMA_KIT_SCHEMA.event_log_erasure_keys(user_id, entity_id, details))',
      c.relname || '_erasure_keys_idx', c.oid::regclass) AS statement
    FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = ':SCHEMA_KIT_SCHEMA.event_log'::regclass
  UNION ALL
  SELECT c.oid, 2, pg_catalog.format('ALTER INDEX :SCHEMA_KIT_SCHEMA.event_log_erasure_keys_idx ATTACH PARTITION %I.%I',
      n.nspname, c.relname || '_erasure_keys_idx')
    FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE i.inhparent = ':SCHEMA_KIT_SCHEMA.event_log'::regclass
) s ORDER BY s.oid, s.step;

-- The one path that changes event rows (audit/0003), now finding them through
-- event_log_erasure_keys_idx: the rows whose keys overlap the identifiers, then, exactly, the
-- events of the user (as actor or as entity) and the others naming a non-numeric identifier in
-- details. Identifiers too long for the index are looked for by reading the events, as before.
CREATE OR REPLACE FUNCTION :SCHEMA_KIT_SCHEMA.event_log_pseudonymize(p_ids text[], p_pseudonym text) RETURNS bigint
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

-- schema-kit:down
-- Dropping the parent index drops the partitions' indexes with it (a partitioned index cannot be
-- dropped concurrently). event_log_pseudonymize goes back to reading every event (audit/0003).
-- schema-kit:lock-heavy a partitioned index has no DROP INDEX CONCURRENTLY
DROP INDEX IF EXISTS :SCHEMA_KIT_SCHEMA.event_log_erasure_keys_idx;
CREATE OR REPLACE FUNCTION :SCHEMA_KIT_SCHEMA.event_log_pseudonymize(p_ids text[], p_pseudonym text) RETURNS bigint
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
  PERFORM pg_catalog.set_config('schemakit.erasure', p_pseudonym, true);
  FOR v_table IN SELECT ':SCHEMA_KIT_SCHEMA.event_log'::regclass
                 UNION ALL SELECT * FROM :SCHEMA_KIT_SCHEMA.lifecycle_detached_partitions(':SCHEMA_KIT_SCHEMA.event_log') LOOP
    EXECUTE pg_catalog.format($u$
      UPDATE %s e SET
        user_id = CASE WHEN e.user_id = ANY ($1) THEN $2 ELSE e.user_id END,
        entity_id = CASE WHEN e.entity_id = ANY ($1) THEN $2 ELSE e.entity_id END,
        details = :SCHEMA_KIT_SCHEMA.event_log_redact_details(e.details, e.action,
          e.user_id = ANY ($1) OR e.entity_id = ANY ($1), $3, $2)
      WHERE e.user_id = ANY ($1) OR e.entity_id = ANY ($1)
         OR EXISTS (SELECT FROM pg_catalog.unnest($4) n WHERE pg_catalog.strpos(e.details::text, n) > 0)$u$, v_table)
      USING p_ids, p_pseudonym, v_strings, v_needles;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    v_count := v_count + v_rows;
  END LOOP;
  PERFORM pg_catalog.set_config('schemakit.erasure', '', true);
  RETURN v_count;
END
$$;
DROP FUNCTION :SCHEMA_KIT_SCHEMA.event_log_erasure_keys(text, text, jsonb);
