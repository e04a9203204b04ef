-- schema-kit:up
-- Host-owned vocabularies: exercises.exercise_type, exercises.difficulty and user_memory.preferred_difficulty.
-- Each becomes a lookup table like roles, seeded with the defaults, and the column's CHECK
-- list becomes a foreign key to it: a host adds a value with one INSERT (or VocabularyRepo.add)
-- instead of an ALTER TABLE.
-- Also: the length bounds of the text columns of 0001, the ones their zod schemas set (issue 29).
-- Online: the foreign keys and the bounds are added NOT VALID (no scan under the lock):
-- learning/0005 validates them and indexes the foreign keys outside a transaction. A longer value
-- written by raw SQL makes that validation fail: the upgrade stops there, naming the constraint.

CREATE TABLE :SCHEMA_KIT_SCHEMA.exercise_types (
  name text NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT exercise_types_pkey PRIMARY KEY (name),
  CONSTRAINT exercise_types_name_check CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$'),
  CONSTRAINT exercise_types_description_length_check CHECK (char_length(description) <= 2000)
);

INSERT INTO :SCHEMA_KIT_SCHEMA.exercise_types (name) VALUES
  ('algorithm'),
  ('data_structure'),
  ('debugging'),
  ('practical');

ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises DROP CONSTRAINT exercises_exercise_type_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises ADD CONSTRAINT exercises_exercise_type_fkey FOREIGN KEY (exercise_type)
  REFERENCES :SCHEMA_KIT_SCHEMA.exercise_types (name) ON UPDATE CASCADE NOT VALID;

CREATE TABLE :SCHEMA_KIT_SCHEMA.exercise_difficulties (
  name text NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT exercise_difficulties_pkey PRIMARY KEY (name),
  CONSTRAINT exercise_difficulties_name_check CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$'),
  CONSTRAINT exercise_difficulties_description_length_check CHECK (char_length(description) <= 2000)
);

INSERT INTO :SCHEMA_KIT_SCHEMA.exercise_difficulties (name) VALUES
  ('easy'),
  ('medium'),
  ('hard');

ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises DROP CONSTRAINT exercises_difficulty_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises ADD CONSTRAINT exercises_difficulty_fkey FOREIGN KEY (difficulty)
  REFERENCES :SCHEMA_KIT_SCHEMA.exercise_difficulties (name) ON UPDATE CASCADE NOT VALID;
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_memory DROP CONSTRAINT user_memory_preferred_difficulty_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_memory ADD CONSTRAINT user_memory_preferred_difficulty_fkey FOREIGN KEY (preferred_difficulty)
  REFERENCES :SCHEMA_KIT_SCHEMA.exercise_difficulties (name) ON UPDATE CASCADE NOT VALID;

ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises
  ADD CONSTRAINT exercises_title_length_check CHECK (char_length(title) <= 500) NOT VALID,
  ADD CONSTRAINT exercises_description_length_check CHECK (char_length(description) <= 100000) NOT VALID,
  ADD CONSTRAINT exercises_programming_language_length_check CHECK (char_length(programming_language) <= 128) NOT VALID,
  ADD CONSTRAINT exercises_starter_code_length_check CHECK (char_length(starter_code) <= 1000000) NOT VALID,
  ADD CONSTRAINT exercises_solution_length_check CHECK (char_length(solution) <= 1000000) NOT VALID;
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_exercises
  ADD CONSTRAINT user_exercises_submitted_code_length_check CHECK (char_length(submitted_code) <= 1000000) NOT VALID,
  ADD CONSTRAINT user_exercises_feedback_length_check CHECK (char_length(feedback) <= 100000) NOT VALID;
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversations
  ADD CONSTRAINT conversations_title_length_check CHECK (char_length(title) <= 500) NOT VALID;

-- schema-kit:down
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversations DROP CONSTRAINT conversations_title_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_exercises
  DROP CONSTRAINT user_exercises_feedback_length_check,
  DROP CONSTRAINT user_exercises_submitted_code_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises
  DROP CONSTRAINT exercises_solution_length_check,
  DROP CONSTRAINT exercises_starter_code_length_check,
  DROP CONSTRAINT exercises_programming_language_length_check,
  DROP CONSTRAINT exercises_description_length_check,
  DROP CONSTRAINT exercises_title_length_check;
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
