-- schema-kit:up
-- Ready for partitioning (0004) and erasure. The append-only guard lets through the move out of
-- the DEFAULT partition and the pseudonymization of a forgotten user
-- (user_role_change_log_pseudonymize), nothing else. New rows naming a forgotten user are refused.

CREATE OR REPLACE FUNCTION :SCHEMA_KIT_SCHEMA.user_role_change_log_reject_change() RETURNS trigger
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
     AND NEW.id = OLD.id AND NEW.previous_role IS NOT DISTINCT FROM OLD.previous_role
     AND NEW.new_role = OLD.new_role AND NEW.change_source = OLD.change_source AND NEW.changed_at = OLD.changed_at
     AND (NEW.user_id = OLD.user_id OR NEW.user_id::text = pg_catalog.substr(v_pseudonym, 8))
     AND (NEW.changed_by = OLD.changed_by OR NEW.changed_by = v_pseudonym)
     AND (NEW.reason IS NOT DISTINCT FROM OLD.reason OR NEW.reason = v_pseudonym) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'user_role_change_log is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'Record a new role change instead of changing or removing history.';
END
$$;

-- The one path that changes role change rows: for the user `p_user` (also known by `p_ids`), the
-- subject becomes the pseudonym's uuid, an actor among `p_ids` becomes `p_pseudonym`, the free
-- text reason of the user's own changes becomes `p_pseudonym`, and metadata strings and keys equal
-- to one of `p_ids` do too. Roles, sources, times and order stay. Detached partitions still present
-- are covered too. SECURITY DEFINER: a runtime role may call it only once granted EXECUTE.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.user_role_change_log_pseudonymize(p_user uuid, p_ids text[], p_pseudonym text)
  RETURNS bigint
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
  p_ids := ARRAY(SELECT DISTINCT i FROM pg_catalog.unnest(p_ids || p_user::text) i WHERE i IS NOT NULL AND i <> '');
  -- inside JSON only identifiers that are not bare numbers: a telegram id 42 must not match a
  -- count of 42 in someone else's event
  v_strings := ARRAY(SELECT i FROM pg_catalog.unnest(p_ids) i WHERE i !~ '^[0-9]+$');
  v_needles := ARRAY(SELECT pg_catalog.to_jsonb(i)::text FROM pg_catalog.unnest(v_strings) i);
  PERFORM pg_catalog.set_config('schemakit.erasure', p_pseudonym, true);
  FOR v_table IN SELECT ':SCHEMA_KIT_SCHEMA.user_role_change_log'::regclass
                 UNION ALL SELECT * FROM :SCHEMA_KIT_SCHEMA.lifecycle_detached_partitions(':SCHEMA_KIT_SCHEMA.user_role_change_log') LOOP
    EXECUTE pg_catalog.format($u$
      UPDATE %s l SET
        user_id = CASE WHEN l.user_id = $1 THEN pg_catalog.substr($3, 8)::uuid ELSE l.user_id END,
        changed_by = CASE WHEN l.changed_by = ANY ($2) THEN $3 ELSE l.changed_by END,
        reason = CASE WHEN l.user_id = $1 AND l.reason IS NOT NULL THEN $3 ELSE l.reason END,
        change_metadata = :SCHEMA_KIT_SCHEMA.lifecycle_jsonb_redact(l.change_metadata, $4, $3)
      WHERE l.user_id = $1 OR l.changed_by = ANY ($2)
         OR EXISTS (SELECT FROM pg_catalog.unnest($5) n WHERE pg_catalog.strpos(l.change_metadata::text, n) > 0)$u$, v_table)
      USING p_user, p_ids, p_pseudonym, v_strings, v_needles;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    v_count := v_count + v_rows;
  END LOOP;
  PERFORM pg_catalog.set_config('schemakit.erasure', '', true);
  RETURN v_count;
END
$$;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.user_role_change_log_pseudonymize(uuid, text[], text) FROM PUBLIC;


-- New rows naming a forgotten user are refused (docs/lifecycle.md, erasure under concurrent writes).
SELECT :SCHEMA_KIT_SCHEMA.lifecycle_guard_forgotten(':SCHEMA_KIT_SCHEMA.user_role_change_log', ARRAY['user_id', 'changed_by']);

-- schema-kit:down
DROP TRIGGER user_role_change_log_refuse_forgotten ON :SCHEMA_KIT_SCHEMA.user_role_change_log;
DROP FUNCTION :SCHEMA_KIT_SCHEMA.user_role_change_log_refuse_forgotten();
DROP FUNCTION :SCHEMA_KIT_SCHEMA.user_role_change_log_pseudonymize(uuid, text[], text);
CREATE OR REPLACE FUNCTION :SCHEMA_KIT_SCHEMA.user_role_change_log_reject_change() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
BEGIN
  RAISE EXCEPTION 'user_role_change_log is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'Record a new role change instead of changing or removing history.';
END
$$;
