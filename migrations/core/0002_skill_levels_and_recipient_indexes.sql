-- schema-kit:up
-- Host-owned vocabularies: users.skill_level.
-- Each becomes a lookup table like roles, seeded with the defaults, and the column's CHECK
-- list becomes a foreign key to it: a host adds a value with one INSERT (or VocabularyRepo.add)
-- instead of an ALTER TABLE.
-- Also: the partial indexes on users of the messageable people (active, with a Telegram id), by
-- id and by role, that resolve a broadcast's audience to its recipients in keyset pages.

CREATE TABLE :SCHEMA_KIT_SCHEMA.skill_levels (
  name text NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT skill_levels_pkey PRIMARY KEY (name),
  CONSTRAINT skill_levels_name_check CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$')
);

INSERT INTO :SCHEMA_KIT_SCHEMA.skill_levels (name) VALUES
  ('beginner'),
  ('intermediate'),
  ('advanced'),
  ('expert');

ALTER TABLE :SCHEMA_KIT_SCHEMA.users DROP CONSTRAINT users_skill_level_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.users ADD CONSTRAINT users_skill_level_fkey FOREIGN KEY (skill_level)
  REFERENCES :SCHEMA_KIT_SCHEMA.skill_levels (name) ON UPDATE CASCADE;

CREATE INDEX users_broadcast_all_id_idx ON :SCHEMA_KIT_SCHEMA.users (id)
  WHERE is_active AND telegram_id IS NOT NULL;
CREATE INDEX users_broadcast_role_id_idx ON :SCHEMA_KIT_SCHEMA.users (role, id)
  WHERE is_active AND telegram_id IS NOT NULL;

-- schema-kit:down
DROP INDEX :SCHEMA_KIT_SCHEMA.users_broadcast_role_id_idx;
DROP INDEX :SCHEMA_KIT_SCHEMA.users_broadcast_all_id_idx;
ALTER TABLE :SCHEMA_KIT_SCHEMA.users DROP CONSTRAINT users_skill_level_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.users ADD CONSTRAINT users_skill_level_check
  CHECK (skill_level IN ('beginner', 'intermediate', 'advanced', 'expert'));
DROP TABLE :SCHEMA_KIT_SCHEMA.skill_levels;
