-- schema-kit:up
-- Host-owned vocabularies: achievements.category.
-- Each becomes a lookup table like roles, seeded with the defaults, and the column's CHECK
-- list becomes a foreign key to it: a host adds a value with one INSERT (or VocabularyRepo.add)
-- instead of an ALTER TABLE.
-- Also: the length bounds of achievements' text columns, the ones their zod schemas set (issue 29).
-- Online: the foreign key and the bounds are added NOT VALID (no scan under the lock):
-- achievements/0003 validates them outside a transaction. A longer value written by raw SQL makes
-- that validation fail: the upgrade stops at this version, naming the constraint.

CREATE TABLE :SCHEMA_KIT_SCHEMA.achievement_categories (
  name text NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT achievement_categories_pkey PRIMARY KEY (name),
  CONSTRAINT achievement_categories_name_check CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$'),
  CONSTRAINT achievement_categories_description_length_check CHECK (char_length(description) <= 2000)
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
  REFERENCES :SCHEMA_KIT_SCHEMA.achievement_categories (name) ON UPDATE CASCADE NOT VALID;

ALTER TABLE :SCHEMA_KIT_SCHEMA.achievements
  ADD CONSTRAINT achievements_title_length_check CHECK (char_length(title) <= 500) NOT VALID,
  ADD CONSTRAINT achievements_description_length_check CHECK (char_length(description) <= 10000) NOT VALID,
  ADD CONSTRAINT achievements_requirement_description_length_check CHECK (char_length(requirement_description) <= 2000) NOT VALID,
  ADD CONSTRAINT achievements_icon_url_length_check CHECK (char_length(icon_url) <= 2048) NOT VALID,
  ADD CONSTRAINT achievements_badge_color_length_check CHECK (char_length(badge_color) <= 64) NOT VALID;

-- schema-kit:down
ALTER TABLE :SCHEMA_KIT_SCHEMA.achievements
  DROP CONSTRAINT achievements_title_length_check,
  DROP CONSTRAINT achievements_description_length_check,
  DROP CONSTRAINT achievements_requirement_description_length_check,
  DROP CONSTRAINT achievements_icon_url_length_check,
  DROP CONSTRAINT achievements_badge_color_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.achievements DROP CONSTRAINT achievements_category_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.achievements ADD CONSTRAINT achievements_category_check
  CHECK (category IN ('streak', 'exercise', 'github', 'community', 'mentorship', 'skill', 'special'));
DROP TABLE :SCHEMA_KIT_SCHEMA.achievement_categories;
