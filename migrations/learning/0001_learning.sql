-- schema-kit:up
CREATE TABLE :SCHEMA_KIT_SCHEMA.exercises (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  title text NOT NULL,
  description text NOT NULL,
  exercise_type text NOT NULL,
  difficulty text NOT NULL,
  programming_language text,
  starter_code text,
  solution text,
  test_cases jsonb NOT NULL DEFAULT '[]',
  hints jsonb NOT NULL DEFAULT '[]',
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT exercises_pkey PRIMARY KEY (id),
  CONSTRAINT exercises_title_check CHECK (title <> ''),
  CONSTRAINT exercises_exercise_type_check
    CHECK (exercise_type IN ('algorithm', 'data_structure', 'debugging', 'practical')),
  CONSTRAINT exercises_difficulty_check CHECK (difficulty IN ('easy', 'medium', 'hard')),
  CONSTRAINT exercises_test_cases_check CHECK (jsonb_typeof(test_cases) = 'array'),
  CONSTRAINT exercises_hints_check CHECK (jsonb_typeof(hints) = 'array')
);

CREATE TRIGGER exercises_set_updated_at BEFORE UPDATE ON :SCHEMA_KIT_SCHEMA.exercises
  FOR EACH ROW EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.core_set_updated_at();

CREATE TABLE :SCHEMA_KIT_SCHEMA.user_exercises (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  exercise_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'pending',
  submitted_code text,
  grade double precision,
  feedback text,
  hints_used integer NOT NULL DEFAULT 0,
  attempts integer NOT NULL DEFAULT 0,
  time_spent_seconds integer NOT NULL DEFAULT 0,
  started_at timestamptz,
  completed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT user_exercises_pkey PRIMARY KEY (id),
  CONSTRAINT user_exercises_user_id_exercise_id_key UNIQUE (user_id, exercise_id),
  CONSTRAINT user_exercises_user_id_fkey FOREIGN KEY (user_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.users (id) ON DELETE CASCADE,
  CONSTRAINT user_exercises_exercise_id_fkey FOREIGN KEY (exercise_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.exercises (id) ON DELETE CASCADE,
  CONSTRAINT user_exercises_status_check
    CHECK (status IN ('pending', 'in_progress', 'completed', 'skipped')),
  CONSTRAINT user_exercises_grade_check CHECK (grade >= 0),
  CONSTRAINT user_exercises_hints_used_check CHECK (hints_used >= 0),
  CONSTRAINT user_exercises_attempts_check CHECK (attempts >= 0),
  CONSTRAINT user_exercises_time_spent_seconds_check CHECK (time_spent_seconds >= 0),
  CONSTRAINT user_exercises_completed_at_check
    CHECK (status <> 'completed' OR completed_at IS NOT NULL)
);

CREATE INDEX user_exercises_exercise_id_idx ON :SCHEMA_KIT_SCHEMA.user_exercises (exercise_id);

CREATE TRIGGER user_exercises_set_updated_at BEFORE UPDATE ON :SCHEMA_KIT_SCHEMA.user_exercises
  FOR EACH ROW EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.core_set_updated_at();

CREATE TABLE :SCHEMA_KIT_SCHEMA.conversations (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  exercise_id uuid,
  title text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT conversations_pkey PRIMARY KEY (id),
  CONSTRAINT conversations_user_id_fkey FOREIGN KEY (user_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.users (id) ON DELETE CASCADE,
  CONSTRAINT conversations_exercise_id_fkey FOREIGN KEY (exercise_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.exercises (id) ON DELETE SET NULL
);

CREATE INDEX conversations_user_id_created_at_id_idx
  ON :SCHEMA_KIT_SCHEMA.conversations (user_id, created_at, id);
CREATE INDEX conversations_exercise_id_idx ON :SCHEMA_KIT_SCHEMA.conversations (exercise_id);

CREATE TRIGGER conversations_set_updated_at BEFORE UPDATE ON :SCHEMA_KIT_SCHEMA.conversations
  FOR EACH ROW EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.core_set_updated_at();

CREATE TABLE :SCHEMA_KIT_SCHEMA.messages (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  conversation_id uuid NOT NULL,
  role text NOT NULL,
  content text NOT NULL,
  message_metadata jsonb NOT NULL DEFAULT '{}',
  tokens_used integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT messages_pkey PRIMARY KEY (id),
  CONSTRAINT messages_conversation_id_fkey FOREIGN KEY (conversation_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.conversations (id) ON DELETE CASCADE,
  CONSTRAINT messages_role_check CHECK (role IN ('user', 'assistant', 'system')),
  CONSTRAINT messages_message_metadata_check CHECK (jsonb_typeof(message_metadata) = 'object'),
  CONSTRAINT messages_tokens_used_check CHECK (tokens_used >= 0)
);

CREATE INDEX messages_conversation_id_created_at_id_idx
  ON :SCHEMA_KIT_SCHEMA.messages (conversation_id, created_at, id);
CREATE INDEX messages_created_at_idx ON :SCHEMA_KIT_SCHEMA.messages (created_at);

CREATE TABLE :SCHEMA_KIT_SCHEMA.user_memory (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  learning_pace text,
  preferred_difficulty text,
  identified_strengths jsonb NOT NULL DEFAULT '[]',
  identified_weaknesses jsonb NOT NULL DEFAULT '[]',
  topic_mastery jsonb NOT NULL DEFAULT '{}',
  interest_areas jsonb NOT NULL DEFAULT '{}',
  average_completion_time_seconds double precision,
  average_hints_per_exercise double precision,
  average_grade double precision,
  total_exercises_attempted integer NOT NULL DEFAULT 0,
  total_exercises_completed integer NOT NULL DEFAULT 0,
  total_exercises_skipped integer NOT NULL DEFAULT 0,
  career_goal_progress jsonb NOT NULL DEFAULT '{}',
  common_questions jsonb NOT NULL DEFAULT '[]',
  personalization_metadata jsonb NOT NULL DEFAULT '{}',
  last_analyzed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT user_memory_pkey PRIMARY KEY (id),
  CONSTRAINT user_memory_user_id_key UNIQUE (user_id),
  CONSTRAINT user_memory_user_id_fkey FOREIGN KEY (user_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.users (id) ON DELETE CASCADE,
  CONSTRAINT user_memory_preferred_difficulty_check
    CHECK (preferred_difficulty IN ('easy', 'medium', 'hard')),
  CONSTRAINT user_memory_identified_strengths_check
    CHECK (jsonb_typeof(identified_strengths) = 'array'),
  CONSTRAINT user_memory_identified_weaknesses_check
    CHECK (jsonb_typeof(identified_weaknesses) = 'array'),
  CONSTRAINT user_memory_topic_mastery_check CHECK (jsonb_typeof(topic_mastery) = 'object'),
  CONSTRAINT user_memory_interest_areas_check CHECK (jsonb_typeof(interest_areas) = 'object'),
  CONSTRAINT user_memory_average_completion_time_seconds_check
    CHECK (average_completion_time_seconds >= 0),
  CONSTRAINT user_memory_average_hints_per_exercise_check CHECK (average_hints_per_exercise >= 0),
  CONSTRAINT user_memory_average_grade_check CHECK (average_grade >= 0),
  CONSTRAINT user_memory_total_exercises_attempted_check CHECK (total_exercises_attempted >= 0),
  CONSTRAINT user_memory_total_exercises_completed_check CHECK (total_exercises_completed >= 0),
  CONSTRAINT user_memory_total_exercises_skipped_check CHECK (total_exercises_skipped >= 0),
  CONSTRAINT user_memory_career_goal_progress_check
    CHECK (jsonb_typeof(career_goal_progress) = 'object'),
  CONSTRAINT user_memory_common_questions_check CHECK (jsonb_typeof(common_questions) = 'array'),
  CONSTRAINT user_memory_personalization_metadata_check
    CHECK (jsonb_typeof(personalization_metadata) = 'object')
);

CREATE TRIGGER user_memory_set_updated_at BEFORE UPDATE ON :SCHEMA_KIT_SCHEMA.user_memory
  FOR EACH ROW EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.core_set_updated_at();

-- schema-kit:down
DROP TABLE :SCHEMA_KIT_SCHEMA.user_memory;
DROP TABLE :SCHEMA_KIT_SCHEMA.messages;
DROP TABLE :SCHEMA_KIT_SCHEMA.conversations;
DROP TABLE :SCHEMA_KIT_SCHEMA.user_exercises;
DROP TABLE :SCHEMA_KIT_SCHEMA.exercises;
