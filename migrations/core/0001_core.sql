-- schema-kit:up
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.core_set_updated_at() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
BEGIN
  NEW.updated_at := pg_catalog.now();
  RETURN NEW;
END
$$;

CREATE TABLE :SCHEMA_KIT_SCHEMA.roles (
  name text NOT NULL,
  rank integer NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT roles_pkey PRIMARY KEY (name),
  CONSTRAINT roles_name_check CHECK (name ~ '^[a-z][a-z0-9_]{0,31}$'),
  CONSTRAINT roles_rank_check CHECK (rank >= 0)
);

INSERT INTO :SCHEMA_KIT_SCHEMA.roles (name, rank, description) VALUES
  ('public', 0, 'anyone; the default role'),
  ('subscriber', 1, 'a subscribed member'),
  ('student', 1, 'a learner'),
  ('mentor', 1, 'a member who guides learners'),
  ('moderator', 2, 'staff who moderate content and members'),
  ('admin', 2, 'staff who administer the application'),
  ('owner', 3, 'the owner of the application');

CREATE TABLE :SCHEMA_KIT_SCHEMA.users (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  email text,
  telegram_id bigint,
  telegram_username text,
  telegram_first_name text,
  telegram_last_name text,
  github_id text,
  google_id text,
  name text,
  avatar_url text,
  skill_level text,
  programming_language text,
  learning_style text,
  career_goals text,
  time_commitment text,
  role text NOT NULL DEFAULT 'public',
  is_active boolean NOT NULL DEFAULT true,
  preferences jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz,
  CONSTRAINT users_pkey PRIMARY KEY (id),
  CONSTRAINT users_telegram_id_key UNIQUE (telegram_id),
  CONSTRAINT users_github_id_key UNIQUE (github_id),
  CONSTRAINT users_google_id_key UNIQUE (google_id),
  CONSTRAINT users_role_fkey FOREIGN KEY (role)
    REFERENCES :SCHEMA_KIT_SCHEMA.roles (name) ON UPDATE CASCADE,
  CONSTRAINT users_email_check
    CHECK (char_length(email) <= 320 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  CONSTRAINT users_telegram_id_check CHECK (telegram_id > 0),
  CONSTRAINT users_github_id_check CHECK (char_length(github_id) BETWEEN 1 AND 512),
  CONSTRAINT users_google_id_check CHECK (char_length(google_id) BETWEEN 1 AND 512),
  CONSTRAINT users_skill_level_check
    CHECK (skill_level IN ('beginner', 'intermediate', 'advanced', 'expert')),
  CONSTRAINT users_preferences_check CHECK (jsonb_typeof(preferences) = 'object')
);

CREATE UNIQUE INDEX users_email_key ON :SCHEMA_KIT_SCHEMA.users (lower(email));
CREATE INDEX users_role_idx ON :SCHEMA_KIT_SCHEMA.users (role);
CREATE INDEX users_created_at_idx ON :SCHEMA_KIT_SCHEMA.users (created_at);

CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON :SCHEMA_KIT_SCHEMA.users
  FOR EACH ROW EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.core_set_updated_at();

-- schema-kit:down
DROP TABLE :SCHEMA_KIT_SCHEMA.users;
DROP TABLE :SCHEMA_KIT_SCHEMA.roles;
DROP FUNCTION :SCHEMA_KIT_SCHEMA.core_set_updated_at();
