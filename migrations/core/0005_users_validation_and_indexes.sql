-- schema-kit:no-transaction
-- schema-kit:up
-- Validates what core/0002-0004 added NOT VALID and builds the indexes on users concurrently,
-- with writes to users going on (each statement on its own; a rerun skips what is done).
-- users_skill_level_idx backs the skill_levels foreign key (a rename cascades through it).
-- The partial indexes of the messageable people (active, with a Telegram id), by id and by
-- role, resolve a broadcast's audience to its recipients in keyset pages.

ALTER TABLE :SCHEMA_KIT_SCHEMA.users VALIDATE CONSTRAINT users_skill_level_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.users VALIDATE CONSTRAINT users_language_code_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.users VALIDATE CONSTRAINT users_name_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.users VALIDATE CONSTRAINT users_avatar_url_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.users VALIDATE CONSTRAINT users_programming_language_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.users VALIDATE CONSTRAINT users_learning_style_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.users VALIDATE CONSTRAINT users_career_goals_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.users VALIDATE CONSTRAINT users_time_commitment_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.users VALIDATE CONSTRAINT users_telegram_username_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.users VALIDATE CONSTRAINT users_telegram_first_name_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.users VALIDATE CONSTRAINT users_telegram_last_name_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.roles VALIDATE CONSTRAINT roles_description_length_check;

CREATE INDEX CONCURRENTLY IF NOT EXISTS users_skill_level_idx ON :SCHEMA_KIT_SCHEMA.users (skill_level);
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_broadcast_all_id_idx ON :SCHEMA_KIT_SCHEMA.users (id)
  WHERE is_active AND telegram_id IS NOT NULL;
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_broadcast_role_id_idx ON :SCHEMA_KIT_SCHEMA.users (role, id)
  WHERE is_active AND telegram_id IS NOT NULL;

-- schema-kit:down
DROP INDEX CONCURRENTLY IF EXISTS :SCHEMA_KIT_SCHEMA.users_broadcast_role_id_idx;
DROP INDEX CONCURRENTLY IF EXISTS :SCHEMA_KIT_SCHEMA.users_broadcast_all_id_idx;
DROP INDEX CONCURRENTLY IF EXISTS :SCHEMA_KIT_SCHEMA.users_skill_level_idx;
