-- schema-kit:up
-- Host-owned vocabularies: exercises.exercise_type, exercises.difficulty and user_memory.preferred_difficulty.
-- Each becomes a lookup table like roles, seeded with the defaults, and the column's CHECK
-- list becomes a foreign key to it: a host adds a value with one INSERT (or VocabularyRepo.add)
-- instead of an ALTER TABLE.

CREATE TABLE :SCHEMA_KIT_SCHEMA.exercise_types (
  name text NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT exercise_types_pkey PRIMARY KEY (name),
  CONSTRAINT exercise_types_name_check CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$')
);

INSERT INTO :SCHEMA_KIT_SCHEMA.exercise_types (name) VALUES
  ('algorithm'),
  ('data_structure'),
  ('debugging'),
  ('practical');

ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises DROP CONSTRAINT exercises_exercise_type_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises ADD CONSTRAINT exercises_exercise_type_fkey FOREIGN KEY (exercise_type)
  REFERENCES :SCHEMA_KIT_SCHEMA.exercise_types (name) ON UPDATE CASCADE;

CREATE TABLE :SCHEMA_KIT_SCHEMA.exercise_difficulties (
  name text NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT exercise_difficulties_pkey PRIMARY KEY (name),
  CONSTRAINT exercise_difficulties_name_check CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$')
);

INSERT INTO :SCHEMA_KIT_SCHEMA.exercise_difficulties (name) VALUES
  ('easy'),
  ('medium'),
  ('hard');

ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises DROP CONSTRAINT exercises_difficulty_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises ADD CONSTRAINT exercises_difficulty_fkey FOREIGN KEY (difficulty)
  REFERENCES :SCHEMA_KIT_SCHEMA.exercise_difficulties (name) ON UPDATE CASCADE;
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_memory DROP CONSTRAINT user_memory_preferred_difficulty_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_memory ADD CONSTRAINT user_memory_preferred_difficulty_fkey FOREIGN KEY (preferred_difficulty)
  REFERENCES :SCHEMA_KIT_SCHEMA.exercise_difficulties (name) ON UPDATE CASCADE;

-- schema-kit:down
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_memory DROP CONSTRAINT user_memory_preferred_difficulty_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_memory ADD CONSTRAINT user_memory_preferred_difficulty_check
  CHECK (preferred_difficulty IN ('easy', 'medium', 'hard'));
ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises DROP CONSTRAINT exercises_difficulty_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises ADD CONSTRAINT exercises_difficulty_check
  CHECK (difficulty IN ('easy', 'medium', 'hard'));
DROP TABLE :SCHEMA_KIT_SCHEMA.exercise_difficulties;
ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises DROP CONSTRAINT exercises_exercise_type_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises ADD CONSTRAINT exercises_exercise_type_check
  CHECK (exercise_type IN ('algorithm', 'data_structure', 'debugging', 'practical'));
DROP TABLE :SCHEMA_KIT_SCHEMA.exercise_types;
