-- schema-kit:up
-- Host-owned vocabularies: achievements.category.
-- Each becomes a lookup table like roles, seeded with the defaults, and the column's CHECK
-- list becomes a foreign key to it: a host adds a value with one INSERT (or VocabularyRepo.add)
-- instead of an ALTER TABLE.

CREATE TABLE :SCHEMA_KIT_SCHEMA.achievement_categories (
  name text NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT achievement_categories_pkey PRIMARY KEY (name),
  CONSTRAINT achievement_categories_name_check CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$')
);

INSERT INTO :SCHEMA_KIT_SCHEMA.achievement_categories (name) VALUES
  ('streak'),
  ('exercise'),
  ('github'),
  ('community'),
  ('mentorship'),
  ('skill'),
  ('special');

ALTER TABLE :SCHEMA_KIT_SCHEMA.achievements DROP CONSTRAINT achievements_category_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.achievements ADD CONSTRAINT achievements_category_fkey FOREIGN KEY (category)
  REFERENCES :SCHEMA_KIT_SCHEMA.achievement_categories (name) ON UPDATE CASCADE;

-- schema-kit:down
ALTER TABLE :SCHEMA_KIT_SCHEMA.achievements DROP CONSTRAINT achievements_category_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.achievements ADD CONSTRAINT achievements_category_check
  CHECK (category IN ('streak', 'exercise', 'github', 'community', 'mentorship', 'skill', 'special'));
DROP TABLE :SCHEMA_KIT_SCHEMA.achievement_categories;
