-- schema-kit:up
-- Host-owned vocabularies: users.skill_level.
-- Each becomes a lookup table like roles, seeded with the defaults, and the column's CHECK
-- list becomes a foreign key to it: a host adds a value with one INSERT (or VocabularyRepo.add)
-- instead of an ALTER TABLE.
-- Online: the foreign key is added NOT VALID (no scan of users under the lock), validated and
-- indexed by core/0005 outside a transaction.

CREATE TABLE :SCHEMA_KIT_SCHEMA.skill_levels (
  name text NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT skill_levels_pkey PRIMARY KEY (name),
  CONSTRAINT skill_levels_name_check CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$'),
  CONSTRAINT skill_levels_description_length_check CHECK (char_length(description) <= 2000)
);

INSERT INTO :SCHEMA_KIT_SCHEMA.skill_levels (name) VALUES
  ('beginner'),
  ('intermediate'),
  ('advanced'),
  ('expert');

ALTER TABLE :SCHEMA_KIT_SCHEMA.users DROP CONSTRAINT users_skill_level_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.users ADD CONSTRAINT users_skill_level_fkey FOREIGN KEY (skill_level)
  REFERENCES :SCHEMA_KIT_SCHEMA.skill_levels (name) ON UPDATE CASCADE NOT VALID;

-- schema-kit:down
ALTER TABLE :SCHEMA_KIT_SCHEMA.users DROP CONSTRAINT users_skill_level_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.users ADD CONSTRAINT users_skill_level_check
  CHECK (skill_level IN ('beginner', 'intermediate', 'advanced', 'expert'));
DROP TABLE :SCHEMA_KIT_SCHEMA.skill_levels;
