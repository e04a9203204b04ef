-- schema-kit:up
-- Host-owned vocabularies: guides.category, guides.difficulty_level and broadcasts.message_type.
-- Each becomes a lookup table like roles, seeded with the defaults, and the column's CHECK
-- list becomes a foreign key to it: a host adds a value with one INSERT (or VocabularyRepo.add)
-- instead of an ALTER TABLE.
-- The shipped guide categories were one trading bot's; the defaults are now general ones. The old
-- values an install already uses stay valid: they are seeded from its guides.
-- Also: telegram_commands, the bot's command registry with the role each command needs, and the
-- length bounds of the text of guides and broadcasts, the ones their zod schemas set (issue 29).
-- Online: the foreign keys and the bounds are added NOT VALID (no scan under the lock):
-- telegram/0004 validates them and indexes broadcasts.message_type outside a transaction. A
-- longer value written by raw SQL makes that validation fail: the upgrade stops there, naming
-- the constraint.

CREATE TABLE :SCHEMA_KIT_SCHEMA.guide_categories (
  name text NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT guide_categories_pkey PRIMARY KEY (name),
  CONSTRAINT guide_categories_name_check CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$'),
  CONSTRAINT guide_categories_description_length_check CHECK (char_length(description) <= 2000)
);

INSERT INTO :SCHEMA_KIT_SCHEMA.guide_categories (name) VALUES
  ('getting_started'),
  ('how_to'),
  ('reference'),
  ('technical'),
  ('troubleshooting'),
  ('faq'),
  ('other');
INSERT INTO :SCHEMA_KIT_SCHEMA.guide_categories (name)
  SELECT DISTINCT category FROM :SCHEMA_KIT_SCHEMA.guides
  ON CONFLICT (name) DO NOTHING;

ALTER TABLE :SCHEMA_KIT_SCHEMA.guides DROP CONSTRAINT guides_category_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.guides ADD CONSTRAINT guides_category_fkey FOREIGN KEY (category)
  REFERENCES :SCHEMA_KIT_SCHEMA.guide_categories (name) ON UPDATE CASCADE NOT VALID;

CREATE TABLE :SCHEMA_KIT_SCHEMA.guide_difficulty_levels (
  name text NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT guide_difficulty_levels_pkey PRIMARY KEY (name),
  CONSTRAINT guide_difficulty_levels_name_check CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$'),
  CONSTRAINT guide_difficulty_levels_description_length_check CHECK (char_length(description) <= 2000)
);

INSERT INTO :SCHEMA_KIT_SCHEMA.guide_difficulty_levels (name) VALUES
  ('beginner'),
  ('intermediate'),
  ('advanced');

ALTER TABLE :SCHEMA_KIT_SCHEMA.guides DROP CONSTRAINT guides_difficulty_level_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.guides ADD CONSTRAINT guides_difficulty_level_fkey FOREIGN KEY (difficulty_level)
  REFERENCES :SCHEMA_KIT_SCHEMA.guide_difficulty_levels (name) ON UPDATE CASCADE NOT VALID;

CREATE TABLE :SCHEMA_KIT_SCHEMA.broadcast_message_types (
  name text NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT broadcast_message_types_pkey PRIMARY KEY (name),
  CONSTRAINT broadcast_message_types_name_check CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$'),
  CONSTRAINT broadcast_message_types_description_length_check CHECK (char_length(description) <= 2000)
);

INSERT INTO :SCHEMA_KIT_SCHEMA.broadcast_message_types (name) VALUES
  ('text'),
  ('photo'),
  ('video');

ALTER TABLE :SCHEMA_KIT_SCHEMA.broadcasts DROP CONSTRAINT broadcasts_message_type_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.broadcasts ADD CONSTRAINT broadcasts_message_type_fkey FOREIGN KEY (message_type)
  REFERENCES :SCHEMA_KIT_SCHEMA.broadcast_message_types (name) ON UPDATE CASCADE NOT VALID;

ALTER TABLE :SCHEMA_KIT_SCHEMA.guides
  ADD CONSTRAINT guides_title_length_check CHECK (char_length(title) <= 500) NOT VALID,
  ADD CONSTRAINT guides_description_length_check CHECK (char_length(description) <= 10000) NOT VALID,
  ADD CONSTRAINT guides_content_url_length_check CHECK (char_length(content_url) <= 2048) NOT VALID;
ALTER TABLE :SCHEMA_KIT_SCHEMA.broadcasts
  ADD CONSTRAINT broadcasts_title_length_check CHECK (char_length(title) <= 500) NOT VALID,
  ADD CONSTRAINT broadcasts_message_text_length_check CHECK (char_length(message_text) <= 100000) NOT VALID;

CREATE TABLE :SCHEMA_KIT_SCHEMA.telegram_commands (
  command text NOT NULL,
  description text NOT NULL,
  required_role text NOT NULL DEFAULT 'public',
  is_enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT telegram_commands_pkey PRIMARY KEY (command),
  CONSTRAINT telegram_commands_required_role_fkey FOREIGN KEY (required_role)
    REFERENCES :SCHEMA_KIT_SCHEMA.roles (name) ON UPDATE CASCADE,
  CONSTRAINT telegram_commands_command_check CHECK (command ~ '^[a-z0-9_]{1,32}$'),
  CONSTRAINT telegram_commands_description_check CHECK (char_length(description) BETWEEN 1 AND 256)
);

CREATE INDEX telegram_commands_required_role_idx ON :SCHEMA_KIT_SCHEMA.telegram_commands (required_role);

CREATE TRIGGER telegram_commands_set_updated_at BEFORE UPDATE ON :SCHEMA_KIT_SCHEMA.telegram_commands
  FOR EACH ROW EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.core_set_updated_at();

-- schema-kit:down
DROP TABLE :SCHEMA_KIT_SCHEMA.telegram_commands;
ALTER TABLE :SCHEMA_KIT_SCHEMA.broadcasts
  DROP CONSTRAINT broadcasts_message_text_length_check,
  DROP CONSTRAINT broadcasts_title_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.guides
  DROP CONSTRAINT guides_content_url_length_check,
  DROP CONSTRAINT guides_description_length_check,
  DROP CONSTRAINT guides_title_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.broadcasts DROP CONSTRAINT broadcasts_message_type_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.broadcasts ADD CONSTRAINT broadcasts_message_type_check
  CHECK (message_type IN ('text', 'photo', 'video'));
DROP TABLE :SCHEMA_KIT_SCHEMA.broadcast_message_types;
ALTER TABLE :SCHEMA_KIT_SCHEMA.guides DROP CONSTRAINT guides_difficulty_level_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.guides ADD CONSTRAINT guides_difficulty_level_check
  CHECK (difficulty_level IN ('beginner', 'intermediate', 'advanced'));
DROP TABLE :SCHEMA_KIT_SCHEMA.guide_difficulty_levels;
ALTER TABLE :SCHEMA_KIT_SCHEMA.guides DROP CONSTRAINT guides_category_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.guides ADD CONSTRAINT guides_category_check
  CHECK (category IN ('trading', 'technical', 'risk', 'psychology', 'automation', 'platform'));
DROP TABLE :SCHEMA_KIT_SCHEMA.guide_categories;
