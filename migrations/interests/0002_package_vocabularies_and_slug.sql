-- schema-kit:up
-- Host-owned vocabularies: content_packages.category and package_type.
-- Each becomes a lookup table like roles, seeded with the defaults, and the column's CHECK
-- list becomes a foreign key to it: a host adds a value with one INSERT (or VocabularyRepo.add)
-- instead of an ALTER TABLE.
-- content_packages also gets a slug (unique: interests/0003 builds its index), the key of a
-- race-free get-or-create, and length bounds on its text, the ones the zod schemas set (issue 29).
-- Online: the foreign keys and CHECKs are added NOT VALID (no scan under the lock); interests/0003
-- validates them and builds the indexes outside a transaction. A longer value written by raw SQL
-- makes that validation fail: the upgrade stops at this version, naming the constraint.

CREATE TABLE :SCHEMA_KIT_SCHEMA.content_categories (
  name text NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT content_categories_pkey PRIMARY KEY (name),
  CONSTRAINT content_categories_name_check CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$'),
  CONSTRAINT content_categories_description_length_check CHECK (char_length(description) <= 2000)
);

INSERT INTO :SCHEMA_KIT_SCHEMA.content_categories (name) VALUES
  ('course'),
  ('guide'),
  ('tool'),
  ('template'),
  ('community'),
  ('event'),
  ('other');

ALTER TABLE :SCHEMA_KIT_SCHEMA.content_packages DROP CONSTRAINT content_packages_category_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.content_packages ADD CONSTRAINT content_packages_category_fkey FOREIGN KEY (category)
  REFERENCES :SCHEMA_KIT_SCHEMA.content_categories (name) ON UPDATE CASCADE NOT VALID;

CREATE TABLE :SCHEMA_KIT_SCHEMA.package_types (
  name text NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT package_types_pkey PRIMARY KEY (name),
  CONSTRAINT package_types_name_check CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$'),
  CONSTRAINT package_types_description_length_check CHECK (char_length(description) <= 2000)
);

INSERT INTO :SCHEMA_KIT_SCHEMA.package_types (name) VALUES
  ('free'),
  ('premium');

ALTER TABLE :SCHEMA_KIT_SCHEMA.content_packages DROP CONSTRAINT content_packages_package_type_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.content_packages ADD CONSTRAINT content_packages_package_type_fkey FOREIGN KEY (package_type)
  REFERENCES :SCHEMA_KIT_SCHEMA.package_types (name) ON UPDATE CASCADE NOT VALID;

ALTER TABLE :SCHEMA_KIT_SCHEMA.content_packages ADD COLUMN slug text;
ALTER TABLE :SCHEMA_KIT_SCHEMA.content_packages
  ADD CONSTRAINT content_packages_slug_check
    CHECK (char_length(slug) <= 100 AND slug ~ '^[a-z0-9]+([_-][a-z0-9]+)*$') NOT VALID,
  ADD CONSTRAINT content_packages_title_length_check CHECK (char_length(title) <= 500) NOT VALID,
  ADD CONSTRAINT content_packages_description_length_check CHECK (char_length(description) <= 10000) NOT VALID;

-- schema-kit:down
ALTER TABLE :SCHEMA_KIT_SCHEMA.content_packages
  DROP CONSTRAINT content_packages_description_length_check,
  DROP CONSTRAINT content_packages_title_length_check,
  DROP COLUMN slug;
ALTER TABLE :SCHEMA_KIT_SCHEMA.content_packages DROP CONSTRAINT content_packages_package_type_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.content_packages ADD CONSTRAINT content_packages_package_type_check
  CHECK (package_type IN ('free', 'premium'));
DROP TABLE :SCHEMA_KIT_SCHEMA.package_types;
ALTER TABLE :SCHEMA_KIT_SCHEMA.content_packages DROP CONSTRAINT content_packages_category_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.content_packages ADD CONSTRAINT content_packages_category_check
  CHECK (category IN ('course', 'guide', 'tool', 'template', 'community', 'event', 'other'));
DROP TABLE :SCHEMA_KIT_SCHEMA.content_categories;
