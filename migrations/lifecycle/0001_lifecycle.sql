-- schema-kit:up
-- The data lifecycle every other module shares: the record of retention and erasure (no personal
-- data in it), monthly range partitions created ahead of time, retention by whole partitions, and
-- the conversion of a plain log table into a partitioned one with its rows, indexes, triggers and
-- grants kept. See docs/lifecycle.md.

CREATE TABLE :SCHEMA_KIT_SCHEMA.lifecycle_log (
  id bigint GENERATED ALWAYS AS IDENTITY,
  action text NOT NULL,
  target text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}',
  performed_by text NOT NULL DEFAULT session_user,
  performed_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT lifecycle_log_pkey PRIMARY KEY (id),
  CONSTRAINT lifecycle_log_action_check
    CHECK (action IN ('partition.dropped', 'partition.detached', 'user.erased')),
  CONSTRAINT lifecycle_log_target_check CHECK (char_length(target) BETWEEN 1 AND 512),
  CONSTRAINT lifecycle_log_details_check CHECK (jsonb_typeof(details) = 'object')
);

CREATE INDEX lifecycle_log_performed_at_idx ON :SCHEMA_KIT_SCHEMA.lifecycle_log (performed_at);

-- The logs of this schema that modules partitioned by month (lifecycle_rebuild_table registers
-- them from the module's own migration): the only tables partition upkeep and retention act on.
CREATE TABLE :SCHEMA_KIT_SCHEMA.lifecycle_partitioned_logs (
  name text NOT NULL,
  CONSTRAINT lifecycle_partitioned_logs_pkey PRIMARY KEY (name)
);

-- The registered partitioned log `p_table` of this schema, or an error naming it.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_partitioned_table(p_table text) RETURNS regclass
  LANGUAGE plpgsql STABLE
  SET search_path = ''
AS $$
DECLARE
  v_parent regclass := pg_catalog.to_regclass(':SCHEMA_KIT_SCHEMA.' || pg_catalog.quote_ident(p_table));
BEGIN
  IF p_table IS NULL OR NOT EXISTS (SELECT FROM :SCHEMA_KIT_SCHEMA.lifecycle_partitioned_logs WHERE name = p_table) THEN
    RAISE EXCEPTION 'table: % is not a partitioned schema-kit log (%)', p_table,
      (SELECT pg_catalog.string_agg(name, ', ' ORDER BY name) FROM :SCHEMA_KIT_SCHEMA.lifecycle_partitioned_logs)
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF v_parent IS NULL OR NOT EXISTS (SELECT FROM pg_catalog.pg_partitioned_table WHERE partrelid = v_parent) THEN
    RAISE EXCEPTION 'table: % is not installed as a partitioned table', p_table
      USING ERRCODE = 'undefined_table';
  END IF;
  RETURN v_parent;
END
$$;

-- Statement-level triggers (the TRUNCATE guards) are not cloned to partitions: copy them (not those
-- reading a transition table, which partitions cannot have: they fire for inserts through the parent).
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_copy_statement_triggers(p_parent regclass, p_partition regclass)
  RETURNS void
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
DECLARE
  v_trigger record;
BEGIN
  FOR v_trigger IN
    SELECT t.oid, t.tgname, t.tgenabled FROM pg_catalog.pg_trigger t
    WHERE t.tgrelid = p_parent AND NOT t.tgisinternal AND (t.tgtype & 1) = 0 AND t.tgnewtable IS NULL
  LOOP
    EXECUTE pg_catalog.replace(pg_catalog.pg_get_triggerdef(v_trigger.oid),
      ' ON ' || p_parent::text || ' ', ' ON ' || p_partition::text || ' ');
    IF v_trigger.tgenabled = 'A' THEN
      EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', p_partition, v_trigger.tgname);
    END IF;
  END LOOP;
END
$$;

-- Takes, for a moment, the locks partition maintenance needs on tables that every writer and
-- reader uses: `p_parent` in `p_mode`, then each of `p_tables` ACCESS EXCLUSIVE, held to the end
-- of the transaction. A lock request waiting in the queue makes every later reader and writer of
-- the table wait behind it, so each try waits at most 100 ms (lock_timeout): a try that would
-- wait on a long reader or an open writing transaction gives up, lets the queue drain, and tries
-- again after a random pause of 50-150 ms, for 10 s; then lock_not_available (55P03).
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_lock_briefly(p_parent regclass, p_mode text, p_tables regclass[])
  RETURNS void
  LANGUAGE plpgsql
  SET search_path = ''
  SET lock_timeout = '100ms'
AS $$
DECLARE
  v_deadline timestamptz := pg_catalog.clock_timestamp() + interval '10 s';
  v_table regclass;
BEGIN
  LOOP
    BEGIN
      EXECUTE pg_catalog.format('LOCK TABLE %s IN %s MODE', p_parent, p_mode);
      FOREACH v_table IN ARRAY p_tables LOOP
        EXECUTE pg_catalog.format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', v_table);
      END LOOP;
      RETURN;
    EXCEPTION WHEN lock_not_available THEN
      IF pg_catalog.clock_timestamp() >= v_deadline THEN
        RAISE;
      END IF;
    END;
    PERFORM pg_catalog.pg_sleep(0.05 + pg_catalog.random() * 0.1);
  END LOOP;
END
$$;

-- The end of the UTC month that starts at `p_from`.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_month_end(p_from timestamptz) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE
  SET search_path = ''
AS $$
  SELECT ((p_from AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC'
$$;

-- Moves the rows of each UTC month starting at `p_from[i]` from the DEFAULT partition `p_default`
-- (partition key `p_key`) into the table `p_partitions[i]`, every column kept, one statement per
-- month (the one DELETE the append-only triggers allow: from the default partition, while
-- `schemakit.partition_move` names it).
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_move_from_default(p_default regclass, p_key text, p_partitions regclass[],
  p_from timestamptz[])
  RETURNS void
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
BEGIN
  PERFORM pg_catalog.set_config('schemakit.partition_move', p_default::text, true);
  FOR i IN 1..pg_catalog.cardinality(p_partitions) LOOP
    EXECUTE pg_catalog.format('WITH moved AS (DELETE FROM %s WHERE %I >= $1 AND %I < $2 RETURNING *) INSERT INTO %s SELECT * FROM moved',
      p_default, p_key, p_key, p_partitions[i]) USING p_from[i], :SCHEMA_KIT_SCHEMA.lifecycle_month_end(p_from[i]);
  END LOOP;
  PERFORM pg_catalog.set_config('schemakit.partition_move', '', true);
END
$$;

-- A plain table `<parent>_pYYYYMM` for the UTC month starting at `p_from`, with the parent's
-- columns and a CHECK of the month's bounds on its partition key `p_key` (so that ATTACH need
-- not scan it), unless a partition covers the month. Returns the table, or NULL.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_prepare_partition(p_parent regclass, p_key text, p_from timestamptz)
  RETURNS regclass
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
DECLARE
  v_schema text;
  v_name text;
  v_to timestamptz := :SCHEMA_KIT_SCHEMA.lifecycle_month_end(p_from);
BEGIN
  SELECT n.nspname, c.relname || '_p' || pg_catalog.to_char(p_from AT TIME ZONE 'UTC', 'YYYYMM') INTO v_schema, v_name
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = p_parent;
  IF pg_catalog.to_regclass(pg_catalog.format('%I.%I', v_schema, v_name)) IS NOT NULL
     OR EXISTS (SELECT FROM :SCHEMA_KIT_SCHEMA.lifecycle_partitions(p_parent) p
                WHERE p.upper_bound > p_from AND (p.lower_bound IS NULL OR p.lower_bound < v_to)) THEN
    RETURN NULL; -- made already, or covered by another partition (a legacy one: docs/lifecycle.md)
  END IF;
  EXECUTE pg_catalog.format('CREATE TABLE %I.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE, '
    'CONSTRAINT %I CHECK (%I >= %L AND %I < %L))', v_schema, v_name, p_parent, v_name || '_bounds', p_key, p_from, p_key, v_to);
  RETURN pg_catalog.format('%I.%I', v_schema, v_name)::regclass;
END
$$;

-- Builds the indexes of `p_parent` on the table `p_partition`, so that ATTACH adopts them instead
-- of building them under its locks.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_index_like_parent(p_parent regclass, p_partition regclass)
  RETURNS void
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
DECLARE
  v_index record;
BEGIN
  FOR v_index IN
    SELECT x.indexrelid, x.indisunique, k.oid AS constraint_oid FROM pg_catalog.pg_index x
    LEFT JOIN pg_catalog.pg_constraint k ON k.conindid = x.indexrelid AND k.conrelid = p_parent
    WHERE x.indrelid = p_parent ORDER BY x.indexrelid
  LOOP
    IF v_index.constraint_oid IS NOT NULL THEN -- the primary key: ATTACH adopts a constraint's index only from a constraint
      EXECUTE pg_catalog.format('ALTER TABLE %s ADD %s', p_partition, pg_catalog.pg_get_constraintdef(v_index.constraint_oid));
    ELSE -- 'CREATE INDEX <name> ON ONLY <parent> USING ...': the same index, named by PostgreSQL after the partition
      EXECUTE pg_catalog.format('CREATE %sINDEX ON %s %s', CASE WHEN v_index.indisunique THEN 'UNIQUE ' ELSE '' END, p_partition,
        pg_catalog.substring(pg_catalog.pg_get_indexdef(v_index.indexrelid), ' (USING .*)$'));
    END IF;
  END LOOP;
END
$$;

-- Creates the partitions of `p_parent` for the UTC months starting at `p_months` that no
-- partition covers yet, and returns their names. Online (docs/lifecycle.md, "Creating partitions
-- under live traffic"): the long part takes row locks only in the DEFAULT partition, so appends
-- go on and readers see the rows there until the commit: a table per month
-- (lifecycle_prepare_partition), the months' rows moved into them, the parent's indexes built,
-- and the rows that arrived meanwhile moved too. Then, once for all months, the DEFAULT
-- partition is locked ACCESS EXCLUSIVE and the parent SHARE UPDATE EXCLUSIVE (what ATTACH takes)
-- by lifecycle_lock_briefly; under the lock the last arrivals move, and each table is attached
-- (one scan of the DEFAULT partition, which must hold none of its rows; none of the table, whose
-- CHECK proves its bounds) and its CHECK dropped. Readers see the move at commit, all at once.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_create_partitions(p_parent regclass, p_months timestamptz[])
  RETURNS SETOF text
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
DECLARE
  v_key text;
  v_default regclass;
  v_month timestamptz;
  v_partition regclass;
  v_created regclass[] := '{}';
  v_from timestamptz[] := '{}';
BEGIN
  SELECT a.attname, NULLIF(p.partdefid, 0)::regclass INTO v_key, v_default
  FROM pg_catalog.pg_partitioned_table p
  JOIN pg_catalog.pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
  WHERE p.partrelid = p_parent;
  FOREACH v_month IN ARRAY p_months LOOP
    v_partition := :SCHEMA_KIT_SCHEMA.lifecycle_prepare_partition(p_parent, v_key, v_month);
    IF v_partition IS NOT NULL THEN
      v_created := v_created || v_partition;
      v_from := v_from || v_month;
    END IF;
  END LOOP;
  IF pg_catalog.cardinality(v_created) = 0 THEN
    RETURN;
  END IF;
  IF v_default IS NOT NULL THEN
    PERFORM :SCHEMA_KIT_SCHEMA.lifecycle_move_from_default(v_default, v_key, v_created, v_from);
  END IF;
  FOREACH v_partition IN ARRAY v_created LOOP
    PERFORM :SCHEMA_KIT_SCHEMA.lifecycle_index_like_parent(p_parent, v_partition);
  END LOOP;
  IF v_default IS NOT NULL THEN -- what arrived during the first move and the index builds: few are left for under the lock
    PERFORM :SCHEMA_KIT_SCHEMA.lifecycle_move_from_default(v_default, v_key, v_created, v_from);
  END IF;
  PERFORM :SCHEMA_KIT_SCHEMA.lifecycle_lock_briefly(p_parent, 'SHARE UPDATE EXCLUSIVE',
    CASE WHEN v_default IS NULL THEN '{}' ELSE ARRAY[v_default] END);
  IF v_default IS NOT NULL THEN
    PERFORM :SCHEMA_KIT_SCHEMA.lifecycle_move_from_default(v_default, v_key, v_created, v_from);
  END IF;
  FOR i IN 1..pg_catalog.cardinality(v_created) LOOP
    EXECUTE pg_catalog.format('ALTER TABLE %s ATTACH PARTITION %s FOR VALUES FROM (%L) TO (%L)', p_parent, v_created[i],
      v_from[i], :SCHEMA_KIT_SCHEMA.lifecycle_month_end(v_from[i]));
    EXECUTE pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT %I', v_created[i],
      (SELECT relname FROM pg_catalog.pg_class WHERE oid = v_created[i]) || '_bounds');
    PERFORM :SCHEMA_KIT_SCHEMA.lifecycle_copy_statement_triggers(p_parent, v_created[i]);
    RETURN NEXT (SELECT relname FROM pg_catalog.pg_class WHERE oid = v_created[i]);
  END LOOP;
END
$$;

-- Creates the monthly partitions of `p_table` from the current UTC month to `p_ahead` months
-- ahead, those missing only, and returns their names. Safe from many callers at once: creators
-- of one table queue on an advisory lock, and the later ones find nothing to do. SECURITY
-- DEFINER, so a runtime role granted EXECUTE (grantRuntimeAccess does) can keep partitions ahead.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.create_partitions(p_table text, p_ahead integer DEFAULT 3)
  RETURNS SETOF text
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = ''
  SET lock_timeout = '10s'
AS $$
DECLARE
  v_parent regclass := :SCHEMA_KIT_SCHEMA.lifecycle_partitioned_table(p_table);
  v_month timestamp := pg_catalog.date_trunc('month', pg_catalog.now() AT TIME ZONE 'UTC');
BEGIN
  IF p_ahead IS NULL OR p_ahead < 0 OR p_ahead > 120 THEN
    RAISE EXCEPTION 'ahead: % is not a number of months from 0 to 120', p_ahead USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('schemakit.partitions'), pg_catalog.hashtext(v_parent::text));
  RETURN QUERY SELECT * FROM :SCHEMA_KIT_SCHEMA.lifecycle_create_partitions(v_parent,
    ARRAY(SELECT (v_month + pg_catalog.make_interval(months => i)) AT TIME ZONE 'UTC' FROM pg_catalog.generate_series(0, p_ahead) i));
END
$$;

-- The monthly partitions of `p_parent` (not the default) with their bounds, oldest first.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_partitions(p_parent regclass)
  RETURNS TABLE (partition regclass, lower_bound timestamptz, upper_bound timestamptz)
  LANGUAGE sql STABLE
  SET search_path = ''
AS $$
  SELECT c.oid::regclass,
    pg_catalog.substring(pg_catalog.pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']*)''\)')::timestamptz,
    pg_catalog.substring(pg_catalog.pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']*)''\)')::timestamptz
  FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = p_parent AND pg_catalog.pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
  ORDER BY 3
$$;

-- Retention: drops (or detaches, to archive them) the whole partitions of `p_table` that end at
-- or before `p_before`; never a DELETE of rows. Only the table's owner may: the function runs
-- with the caller's rights and checks ownership first. Each partition removed is recorded in
-- lifecycle_log. Returns the names of the partitions removed.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.drop_partitions_before(p_table text, p_before timestamptz, p_detach boolean DEFAULT false)
  RETURNS SETOF text
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
DECLARE
  v_parent regclass := :SCHEMA_KIT_SCHEMA.lifecycle_partitioned_table(p_table);
  v_gone regclass[];
  v_part record;
  v_name text;
  v_bytes bigint;
BEGIN
  IF p_before IS NULL OR NOT pg_catalog.isfinite(p_before) THEN
    RAISE EXCEPTION 'before: % is not a finite time', p_before USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF NOT pg_catalog.pg_has_role(current_user, (SELECT relowner FROM pg_catalog.pg_class WHERE oid = v_parent), 'USAGE') THEN
    RAISE EXCEPTION 'retention of % is the owner''s act: role % does not own it', v_parent, current_user
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('schemakit.partitions'), pg_catalog.hashtext(v_parent::text));
  v_gone := ARRAY(SELECT partition FROM :SCHEMA_KIT_SCHEMA.lifecycle_partitions(v_parent) WHERE upper_bound <= p_before);
  IF pg_catalog.cardinality(v_gone) = 0 THEN
    RETURN;
  END IF;
  -- DROP and DETACH lock the parent ACCESS EXCLUSIVE (DETACH CONCURRENTLY is refused while a
  -- DEFAULT partition exists), and the DEFAULT partition, whose bounds change: briefly
  PERFORM :SCHEMA_KIT_SCHEMA.lifecycle_lock_briefly(v_parent, 'ACCESS EXCLUSIVE',
    v_gone || ARRAY(SELECT partdefid::regclass FROM pg_catalog.pg_partitioned_table WHERE partrelid = v_parent AND partdefid <> 0));
  FOR v_part IN SELECT * FROM :SCHEMA_KIT_SCHEMA.lifecycle_partitions(v_parent) WHERE partition = ANY (v_gone) LOOP
    v_name := v_part.partition::text;
    v_bytes := pg_catalog.pg_total_relation_size(v_part.partition);
    IF p_detach THEN
      -- renamed, so the month's name is free and the runtime's grants never reach it
      EXECUTE pg_catalog.format('ALTER TABLE %s DETACH PARTITION %s', v_parent, v_part.partition);
      EXECUTE pg_catalog.format('ALTER TABLE %s RENAME TO %I', v_part.partition,
        (SELECT relname FROM pg_catalog.pg_class WHERE oid = v_part.partition) || '_detached');
    ELSE
      EXECUTE pg_catalog.format('DROP TABLE %s', v_part.partition);
    END IF;
    INSERT INTO :SCHEMA_KIT_SCHEMA.lifecycle_log (action, target, details)
    VALUES (CASE WHEN p_detach THEN 'partition.detached' ELSE 'partition.dropped' END, v_name,
      pg_catalog.jsonb_build_object('table', p_table, 'from', v_part.lower_bound, 'to', v_part.upper_bound, 'bytes', v_bytes));
    RETURN NEXT v_name;
  END LOOP;
END
$$;

-- The statements that prepare the plain table `p_table` for an online conversion by
-- lifecycle_rebuild_table, each run on its own while the host writes (the runner's
-- schema-kit:each): a unique index `<table>_legacy_key` on (id, p_column) built concurrently, and
-- a CHECK `<table>_legacy_bound` (p_column before the first day of the month after next, UTC)
-- added NOT VALID and then validated. A bound less than a month ahead, left by an earlier run, is
-- replaced. Nothing for a partitioned table, or one of at most 5,000 rows: its rebuild copies it
-- in a moment (and gives its rows their month partitions).
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_attach_steps(p_table text, p_column text) RETURNS SETOF text
  LANGUAGE plpgsql STABLE
  SET search_path = ''
AS $$
DECLARE
  v_table regclass := (':SCHEMA_KIT_SCHEMA.' || pg_catalog.quote_ident(p_table))::regclass;
  v_bound timestamptz := (pg_catalog.date_trunc('month', pg_catalog.now() AT TIME ZONE 'UTC') + interval '2 months') AT TIME ZONE 'UTC';
  v_check text := p_table || '_legacy_bound';
  v_existing timestamptz;
  v_large boolean;
BEGIN
  IF EXISTS (SELECT FROM pg_catalog.pg_partitioned_table WHERE partrelid = v_table) THEN
    RETURN;
  END IF;
  EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) > 5000 FROM (SELECT FROM %s LIMIT 5001) r', v_table) INTO v_large;
  IF NOT v_large THEN
    RETURN;
  END IF;
  RETURN NEXT pg_catalog.format('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS %I ON %s (id, %I)', p_table || '_legacy_key', v_table, p_column);
  v_existing := :SCHEMA_KIT_SCHEMA.lifecycle_legacy_bound(v_table, false);
  IF v_existing IS NOT NULL AND v_existing < pg_catalog.now() + interval '1 month' THEN
    RETURN NEXT pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT %I', v_table, v_check);
    v_existing := NULL;
  END IF;
  IF v_existing IS NULL THEN
    RETURN NEXT pg_catalog.format('ALTER TABLE %s ADD CONSTRAINT %I CHECK (%I < %L) NOT VALID', v_table, v_check, p_column, v_bound);
  END IF;
  RETURN NEXT pg_catalog.format('ALTER TABLE %s VALIDATE CONSTRAINT %I', v_table, v_check);
END
$$;

-- The bound of the CHECK `<table>_legacy_bound` of `p_table` (validated only, when `p_validated`),
-- or NULL when it has none.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_legacy_bound(p_table regclass, p_validated boolean) RETURNS timestamptz
  LANGUAGE sql STABLE
  SET search_path = ''
AS $$
  SELECT pg_catalog.substring(pg_catalog.pg_get_constraintdef(c.oid), '''([^'']+)''')::timestamptz
  FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_class t ON t.oid = c.conrelid
  WHERE c.conrelid = p_table AND c.conname = t.relname || '_legacy_bound' AND c.contype = 'c'
    AND (c.convalidated OR NOT p_validated)
$$;

-- Rebuilds the table `p_table` in place, as a table range-partitioned by `p_column` (or, when it
-- is NULL, as a plain table again: the way down). The same columns, defaults, CHECKs and
-- identity; the primary key becomes (`p_key`); every other index, trigger (with its ENABLE
-- ALWAYS) and grant is recreated. Partitioned, it gets a DEFAULT partition and monthly partitions
-- covering every existing row and `p_ahead` months ahead. The rows are copied before any trigger
-- exists, so every column (tx_id included) keeps its value, under an ACCESS EXCLUSIVE lock taken
-- in brief tries (lifecycle_lock_briefly). A table prepared by lifecycle_attach_steps (a valid
-- unique index `<table>_legacy_key` on (id, p_column), and a validated CHECK
-- `<table>_legacy_bound`) is not copied: it is attached whole, without a scan, as the partition
-- `<table>_legacy` of every time before the bound (without the CHECK: before the next UTC month
-- or the month after its latest row, after one validating scan). Partitioning a log registers it
-- in lifecycle_partitioned_logs (the way down removes it): a module partitions its logs from its
-- own migration with this function, and no lifecycle migration names them. docs/lifecycle.md.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_rebuild_table(p_table text, p_column text, p_key text[], p_ahead integer)
  RETURNS void
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
DECLARE
  v_old regclass := (':SCHEMA_KIT_SCHEMA.' || pg_catalog.quote_ident(p_table))::regclass;
  v_new regclass;
  v_indexes text[];
  v_triggers jsonb;
  v_trigger jsonb;
  v_name text;
  v_grant record;
  v_first timestamp;
  v_month timestamp;
  v_last timestamp;
  v_bound timestamptz;
  v_suffix text := '_old';
BEGIN
  IF p_column IS NULL THEN
    DELETE FROM :SCHEMA_KIT_SCHEMA.lifecycle_partitioned_logs WHERE name = p_table;
  ELSE
    INSERT INTO :SCHEMA_KIT_SCHEMA.lifecycle_partitioned_logs (name) VALUES (p_table) ON CONFLICT DO NOTHING;
  END IF;
  IF (p_column IS NULL) = NOT EXISTS (SELECT FROM pg_catalog.pg_partitioned_table WHERE partrelid = v_old) THEN
    RETURN; -- already in the wanted shape: converted by hand beforehand (docs/lifecycle.md, large tables)
  END IF;
  PERFORM :SCHEMA_KIT_SCHEMA.lifecycle_lock_briefly(v_old, 'ACCESS EXCLUSIVE', '{}');
  IF p_column IS NOT NULL AND EXISTS (
    SELECT FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
    WHERE x.indrelid = v_old AND i.relname = p_table || '_legacy_key') THEN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
                   WHERE x.indrelid = v_old AND i.relname = p_table || '_legacy_key' AND x.indisunique AND x.indisvalid
                     AND pg_catalog.pg_get_indexdef(x.indexrelid) LIKE pg_catalog.format('%% (id, %s)', pg_catalog.quote_ident(p_column))) THEN
      RAISE EXCEPTION 'index %_legacy_key must be a valid unique index on (id, %): drop it and CREATE UNIQUE INDEX CONCURRENTLY it again',
        p_table, p_column USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    v_bound := :SCHEMA_KIT_SCHEMA.lifecycle_legacy_bound(v_old, true);
    IF v_bound IS NULL THEN
      EXECUTE pg_catalog.format('SELECT pg_catalog.max(%I) FROM %s', p_column, v_old) INTO v_bound;
      v_bound := (pg_catalog.date_trunc('month', greatest(coalesce(v_bound, pg_catalog.now()), pg_catalog.now()) AT TIME ZONE 'UTC')
        + interval '1 month') AT TIME ZONE 'UTC';
    END IF;
    v_suffix := '_legacy';
  END IF;
  -- capture definitions while they still name the table
  SELECT pg_catalog.array_agg(pg_catalog.replace(pg_catalog.pg_get_indexdef(x.indexrelid), ' ON ONLY ', ' ON ') ORDER BY x.indexrelid)
  INTO v_indexes FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
  WHERE x.indrelid = v_old AND NOT x.indisprimary AND i.relname <> p_table || '_legacy_key';
  SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('name', tg.tgname, 'enabled', tg.tgenabled,
    'definition', pg_catalog.pg_get_triggerdef(tg.oid)) ORDER BY tg.tgname) INTO v_triggers
  FROM pg_catalog.pg_trigger tg WHERE tg.tgrelid = v_old AND NOT tg.tgisinternal;

  EXECUTE pg_catalog.format('ALTER TABLE %s RENAME TO %I', v_old, p_table || v_suffix);
  FOR v_name IN SELECT c.relname FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class c ON c.oid = x.indexrelid
                WHERE x.indrelid = v_old AND c.relname <> p_table || '_legacy_key' LOOP
    EXECUTE pg_catalog.format('ALTER INDEX :SCHEMA_KIT_SCHEMA.%I RENAME TO %I', v_name, pg_catalog.left(v_name, 55) || v_suffix);
  END LOOP;

  EXECUTE pg_catalog.format(
    'CREATE TABLE :SCHEMA_KIT_SCHEMA.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMMENTS) %s',
    p_table, v_old, CASE WHEN p_column IS NULL THEN '' ELSE pg_catalog.format('PARTITION BY RANGE (%I)', p_column) END);
  v_new := (':SCHEMA_KIT_SCHEMA.' || pg_catalog.quote_ident(p_table))::regclass;
  -- the bound proves the legacy partition's range; it must not limit the new table
  EXECUTE pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT IF EXISTS %I', v_new, p_table || '_legacy_bound');
  EXECUTE pg_catalog.format('ALTER TABLE %s ADD CONSTRAINT %I PRIMARY KEY (%s)', v_new, p_table || '_pkey',
    (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(k), ', ') FROM pg_catalog.unnest(p_key) k));
  FOREACH v_name IN ARRAY coalesce(v_indexes, '{}') LOOP
    EXECUTE v_name;
  END LOOP;

  IF v_bound IS NOT NULL THEN
    -- the old table becomes the partition of everything before the bound: its indexes attach
    -- as they are, the identity and the guards move to the parent
    EXECUTE pg_catalog.format('ALTER TABLE %s ALTER COLUMN id DROP IDENTITY IF EXISTS', v_old);
    FOR v_name IN SELECT conname FROM pg_catalog.pg_constraint WHERE conrelid = v_old AND contype = 'p' LOOP
      EXECUTE pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT %I', v_old, v_name); -- the parent's key takes over
    END LOOP;
    -- the key on (id, p_column) becomes the partition's primary key (no scan: the columns are NOT
    -- NULL), so that it serves the parent's key instead of a new index built under the lock
    EXECUTE pg_catalog.format('ALTER TABLE %s ADD CONSTRAINT %I PRIMARY KEY USING INDEX %I', v_old, p_table || '_legacy_key', p_table || '_legacy_key');
    FOR v_trigger IN SELECT * FROM pg_catalog.jsonb_array_elements(coalesce(v_triggers, '[]')) LOOP
      EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', v_trigger ->> 'name', v_old);
    END LOOP;
    EXECUTE pg_catalog.format('ALTER TABLE %s ATTACH PARTITION %s FOR VALUES FROM (MINVALUE) TO (%L)', v_new, v_old, v_bound);
    -- the partition's bound says it now
    EXECUTE pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT IF EXISTS %I', v_old, p_table || '_legacy_bound');
  END IF;

  IF p_column IS NOT NULL THEN
    EXECUTE pg_catalog.format('CREATE TABLE :SCHEMA_KIT_SCHEMA.%I PARTITION OF %s DEFAULT', p_table || '_default', v_new);
    v_first := pg_catalog.date_trunc('month', v_bound AT TIME ZONE 'UTC');
    IF v_first IS NULL THEN
      EXECUTE pg_catalog.format('SELECT pg_catalog.date_trunc(''month'', pg_catalog.min(%I) AT TIME ZONE ''UTC'') FROM %s', p_column, v_old)
        INTO v_first;
    END IF;
    v_month := pg_catalog.date_trunc('month', pg_catalog.now() AT TIME ZONE 'UTC');
    v_last := v_month + pg_catalog.make_interval(months => p_ahead);
    v_month := least(coalesce(v_first, v_month), v_month);
    PERFORM :SCHEMA_KIT_SCHEMA.lifecycle_create_partitions(v_new,
      ARRAY(SELECT m AT TIME ZONE 'UTC' FROM pg_catalog.generate_series(v_month, v_last, interval '1 month') m));
  END IF;

  IF v_bound IS NULL THEN
    EXECUTE pg_catalog.format('INSERT INTO %s OVERRIDING SYSTEM VALUE SELECT * FROM %s', v_new, v_old);
  END IF;
  IF pg_catalog.pg_get_serial_sequence(v_new::text, 'id') IS NOT NULL THEN
    EXECUTE pg_catalog.format('SELECT pg_catalog.setval(%L, coalesce(pg_catalog.max(id), 0) + 1, false) FROM %s',
      pg_catalog.pg_get_serial_sequence(v_new::text, 'id'), v_new);
  END IF;

  FOR v_trigger IN SELECT * FROM pg_catalog.jsonb_array_elements(coalesce(v_triggers, '[]')) LOOP
    EXECUTE v_trigger ->> 'definition';
    EXECUTE pg_catalog.format('ALTER TABLE %s %s TRIGGER %I', v_new,
      CASE v_trigger ->> 'enabled' WHEN 'A' THEN 'ENABLE ALWAYS' WHEN 'R' THEN 'ENABLE REPLICA' WHEN 'D' THEN 'DISABLE' ELSE 'ENABLE' END,
      v_trigger ->> 'name');
  END LOOP;
  -- the statement triggers now on the parent, onto the partitions created before them
  FOR v_grant IN SELECT i.inhrelid::regclass AS partition FROM pg_catalog.pg_inherits i WHERE i.inhparent = v_new LOOP
    PERFORM :SCHEMA_KIT_SCHEMA.lifecycle_copy_statement_triggers(v_new, v_grant.partition);
  END LOOP;

  FOR v_grant IN
    SELECT a.privilege_type, a.grantee FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a
    WHERE c.oid = v_old AND a.grantee <> c.relowner
  LOOP
    EXECUTE pg_catalog.format('GRANT %s ON %s TO %s', v_grant.privilege_type, v_new,
      CASE WHEN v_grant.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(v_grant.grantee)) END);
    IF v_bound IS NOT NULL THEN -- rows are reached through the parent only
      EXECUTE pg_catalog.format('REVOKE %s ON %s FROM %s', v_grant.privilege_type, v_old,
        CASE WHEN v_grant.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(v_grant.grantee)) END);
    END IF;
  END LOOP;
  IF v_bound IS NULL THEN
    EXECUTE pg_catalog.format('DROP TABLE %s', v_old);
  END IF;
END
$$;

-- Erasure helper: `p_doc` with every string and every object key equal to one of `p_ids`, at any
-- depth, replaced by `p_with` (two keys that both become `p_with` keep the later one's value).
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_jsonb_redact(p_doc jsonb, p_ids text[], p_with text) RETURNS jsonb
  LANGUAGE plpgsql IMMUTABLE
  SET search_path = ''
AS $$
BEGIN
  RETURN CASE pg_catalog.jsonb_typeof(p_doc)
    WHEN 'object' THEN (SELECT coalesce(pg_catalog.jsonb_object_agg(CASE WHEN e.key = ANY (p_ids) THEN p_with ELSE e.key END,
                          :SCHEMA_KIT_SCHEMA.lifecycle_jsonb_redact(e.value, p_ids, p_with)), '{}')
                        FROM pg_catalog.jsonb_each(p_doc) e)
    WHEN 'array' THEN (SELECT coalesce(pg_catalog.jsonb_agg(:SCHEMA_KIT_SCHEMA.lifecycle_jsonb_redact(e.value, p_ids, p_with) ORDER BY e.n), '[]')
                       FROM pg_catalog.jsonb_array_elements(p_doc) WITH ORDINALITY e(value, n))
    WHEN 'string' THEN CASE WHEN (p_doc #>> '{}') = ANY (p_ids) THEN pg_catalog.to_jsonb(p_with) ELSE p_doc END
    ELSE p_doc
  END;
END
$$;

-- Erasure under concurrent writes (docs/lifecycle.md, "Erasure under concurrent writes").
-- A forgotten user's identifiers are kept only as SHA-256 digests: a later write naming one in a
-- guarded column is refused (SQLSTATE SKF01, `user_forgotten`) instead of bringing the data back.
-- A module guards each of its tables keyed by a user's identifiers with lifecycle_guard_forgotten.
CREATE TABLE :SCHEMA_KIT_SCHEMA.erased_identifiers (
  digest bytea NOT NULL,
  erased_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT erased_identifiers_pkey PRIMARY KEY (digest),
  CONSTRAINT erased_identifiers_digest_check CHECK (octet_length(digest) = 32)
);

-- Called once, by the first erasure: until then the guards' WHEN clause (last value IS NOT
-- NULL) skips them, so an install that never erases pays nothing per write. Everyone may read it:
-- it only tells whether an erasure ever ran.
CREATE SEQUENCE :SCHEMA_KIT_SCHEMA.lifecycle_erasures;
GRANT SELECT ON SEQUENCE :SCHEMA_KIT_SCHEMA.lifecycle_erasures TO PUBLIC;

-- The identifiers of `p_ids` that erasure remembers: the non-empty ones that are not bare numbers
-- (a telegram id 42 must not refuse every entity numbered 42), as digests. The guards hash every
-- identifier they check: one never remembered never matches.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_identifier_digests(p_ids text[]) RETURNS bytea[]
  LANGUAGE sql IMMUTABLE
  SET search_path = ''
AS $$
  SELECT ARRAY(SELECT DISTINCT pg_catalog.sha256(pg_catalog.convert_to(i, 'UTF8')) FROM pg_catalog.unnest(p_ids) i
               WHERE i <> '' AND i !~ '^[0-9]+$')
$$;

-- Guards `p_table`, whose `p_columns` hold users' identifiers: an insert statement whose new rows
-- name a forgotten identifier in one of them (compared as digests, so an identifier never
-- remembered never matches) is refused, SQLSTATE SKF01 (`user_forgotten`). Creates the function
-- `<table>_refuse_forgotten()`, with the table's own static query (its plan cached, four times
-- cheaper than a dynamic one), and the AFTER INSERT statement trigger of that name, which runs
-- only once an erasure ever ran (the sequence lifecycle_erasures is called). A module calls it in
-- its migration for each such table, and drops the trigger and the function on the way down.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_guard_forgotten(p_table regclass, p_columns text[]) RETURNS void
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
DECLARE
  v_name text := (SELECT relname FROM pg_catalog.pg_class WHERE oid = p_table) || '_refuse_forgotten';
  v_function text := pg_catalog.format('%s.%I', (SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                                                   WHERE c.oid = p_table)::regnamespace, v_name);
BEGIN
  EXECUTE pg_catalog.format($f$
    CREATE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $body$
    BEGIN
      IF EXISTS (SELECT FROM new_rows n JOIN :SCHEMA_KIT_SCHEMA.erased_identifiers e ON e.digest IN (%s)) THEN
        RAISE EXCEPTION '%%: the row names a user who was forgotten (forgetUser), and is not recorded', TG_TABLE_NAME
          USING ERRCODE = 'SKF01', HINT = 'A forgotten user''s identifiers stay refused, and a returning person needs new identifiers.';
      END IF;
      RETURN NULL;
    END
    $body$
  $f$, v_function,
    (SELECT pg_catalog.string_agg(pg_catalog.format('pg_catalog.sha256(pg_catalog.convert_to(n.%I::text, %L))', c, 'UTF8'), ', ')
     FROM pg_catalog.unnest(p_columns) c));
  EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s() FROM PUBLIC', v_function);
  EXECUTE pg_catalog.format(
    'CREATE TRIGGER %I AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT '
    'WHEN (pg_catalog.pg_sequence_last_value(%L::regclass) IS NOT NULL) EXECUTE FUNCTION %s()',
    v_name, p_table, ':SCHEMA_KIT_SCHEMA.lifecycle_erasures', v_function);
  EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', p_table, v_name);
END
$$;

-- The first step of an erasure, committed on its own before anything is erased: turns the guards
-- on (the first time) and records the digests of `p_ids`, so that every write checked after this
-- commits is refused. forgetUser then waits for the transactions open at this point to end, and
-- erases in a second transaction.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_remember_erasure(p_ids text[]) RETURNS void
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = ''
AS $$
BEGIN
  IF NOT (SELECT is_called FROM :SCHEMA_KIT_SCHEMA.lifecycle_erasures) THEN
    PERFORM pg_catalog.nextval(':SCHEMA_KIT_SCHEMA.lifecycle_erasures');
  END IF;
  INSERT INTO :SCHEMA_KIT_SCHEMA.erased_identifiers (digest)
  SELECT d FROM pg_catalog.unnest(:SCHEMA_KIT_SCHEMA.lifecycle_identifier_digests(p_ids)) d
  ON CONFLICT (digest) DO NOTHING;
END
$$;

-- The tables that were partitions of `p_parent` and are detached (by retention's `detach`, or by
-- hand): named `<table>_pYYYYMM...`, in its schema, partitions of nothing. Erasure covers them.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_detached_partitions(p_parent regclass) RETURNS SETOF regclass
  LANGUAGE sql STABLE
  SET search_path = ''
AS $$
  SELECT c.oid::regclass FROM pg_catalog.pg_class c JOIN pg_catalog.pg_class p ON p.oid = p_parent
  WHERE c.relnamespace = p.relnamespace AND c.relkind = 'r' AND NOT c.relispartition
    AND c.relname ~ ('^' || p.relname || '_p[0-9]{6}(_|$)')
  ORDER BY c.relname
$$;

-- Records an erasure in lifecycle_log: the pseudonym and the counts per table, never who it was.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.record_erasure(p_pseudonym text, p_counts jsonb) RETURNS void
  LANGUAGE sql
  SECURITY DEFINER
  SET search_path = ''
AS $$
  INSERT INTO :SCHEMA_KIT_SCHEMA.lifecycle_log (action, target, details)
  VALUES ('user.erased', p_pseudonym, pg_catalog.jsonb_build_object('rows', p_counts));
$$;

REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_partitioned_table(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_copy_statement_triggers(regclass, regclass) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_lock_briefly(regclass, text, regclass[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_attach_steps(text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_legacy_bound(regclass, boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_month_end(timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_move_from_default(regclass, text, regclass[], timestamptz[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_prepare_partition(regclass, text, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_index_like_parent(regclass, regclass) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_create_partitions(regclass, timestamptz[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.create_partitions(text, integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_partitions(regclass) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.drop_partitions_before(text, timestamptz, boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_rebuild_table(text, text, text[], integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.record_erasure(text, jsonb) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_identifier_digests(text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_remember_erasure(text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_guard_forgotten(regclass, text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_detached_partitions(regclass) FROM PUBLIC;

-- schema-kit:down
DROP FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_detached_partitions(regclass);
DROP FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_remember_erasure(text[]);
DROP FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_guard_forgotten(regclass, text[]);
DROP FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_identifier_digests(text[]);
DROP SEQUENCE :SCHEMA_KIT_SCHEMA.lifecycle_erasures;
DROP TABLE :SCHEMA_KIT_SCHEMA.erased_identifiers;
DROP FUNCTION :SCHEMA_KIT_SCHEMA.record_erasure(text, jsonb);
DROP FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_jsonb_redact(jsonb, text[], text);
DROP FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_rebuild_table(text, text, text[], integer);
DROP FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_legacy_bound(regclass, boolean);
DROP FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_attach_steps(text, text);
DROP FUNCTION :SCHEMA_KIT_SCHEMA.drop_partitions_before(text, timestamptz, boolean);
DROP FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_partitions(regclass);
DROP FUNCTION :SCHEMA_KIT_SCHEMA.create_partitions(text, integer);
DROP FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_create_partitions(regclass, timestamptz[]);
DROP FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_index_like_parent(regclass, regclass);
DROP FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_prepare_partition(regclass, text, timestamptz);
DROP FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_move_from_default(regclass, text, regclass[], timestamptz[]);
DROP FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_month_end(timestamptz);
DROP FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_lock_briefly(regclass, text, regclass[]);
DROP FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_copy_statement_triggers(regclass, regclass);
DROP FUNCTION :SCHEMA_KIT_SCHEMA.lifecycle_partitioned_table(text);
DROP TABLE :SCHEMA_KIT_SCHEMA.lifecycle_partitioned_logs;
DROP TABLE :SCHEMA_KIT_SCHEMA.lifecycle_log;
