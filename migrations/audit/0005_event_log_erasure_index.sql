-- schema-kit:no-transaction
-- schema-kit:up
-- Erasure finds the events naming a user through an index instead of reading every event
-- (issue 29): event_log_erasure_keys lists what an event names (user_id, entity_id and every
-- string and object key at any depth of details, those short enough for an index entry), a GIN
-- index on it answers `&&` with the identifiers, and event_log_pseudonymize (audit/0003) asks it.
-- Online: the index is made on the partitioned parent only (invalid, no rows to read), built on
-- each partition concurrently, and attached; once every partition has it the parent index is
-- valid, and partitions made later get it (lifecycle_create_partitions builds the parent's indexes).

-- ON ONLY the partitioned parent: it holds no rows, nothing is built (invalid until every
-- partition has its index attached)
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

-- schema-kit:down
-- Dropping the parent index drops the partitions' indexes with it (a partitioned index cannot be
-- dropped concurrently).
-- schema-kit:lock-heavy a partitioned index has no DROP INDEX CONCURRENTLY
DROP INDEX IF EXISTS :SCHEMA_KIT_SCHEMA.event_log_erasure_keys_idx;
