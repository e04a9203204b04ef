-- schema-kit:no-transaction
-- schema-kit:up
-- user_role_change_log becomes range-partitioned by month of changed_at, online (docs/lifecycle.md, converting an
-- existing install). A table with rows is not copied: a unique index on (id, changed_at) is built
-- concurrently and a CHECK bounding changed_at is validated, both while the host writes, and the
-- table is then attached whole as the partition user_role_change_log_legacy, which takes its ACCESS EXCLUSIVE
-- lock for catalog changes only (no scan, no copy). A small table (5,000 rows at most) is copied.
-- schema-kit:each
SELECT :SCHEMA_KIT_SCHEMA.lifecycle_attach_steps('user_role_change_log', 'changed_at');

SELECT :SCHEMA_KIT_SCHEMA.lifecycle_rebuild_table('user_role_change_log', 'changed_at', ARRAY['id', 'changed_at'], 3);

-- schema-kit:down
SELECT :SCHEMA_KIT_SCHEMA.lifecycle_rebuild_table('user_role_change_log', NULL, ARRAY['id'], 0);
