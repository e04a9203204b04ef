-- schema-kit:up
CREATE TABLE :SCHEMA_KIT_SCHEMA.achievements (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  slug text NOT NULL,
  title text NOT NULL,
  description text,
  category text NOT NULL,
  requirement_value integer,
  requirement_description text,
  icon_url text,
  badge_color text,
  is_hidden boolean NOT NULL DEFAULT false,
  is_repeatable boolean NOT NULL DEFAULT false,
  points integer NOT NULL DEFAULT 0,
  display_order integer NOT NULL DEFAULT 0,
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT achievements_pkey PRIMARY KEY (id),
  CONSTRAINT achievements_name_key UNIQUE (name),
  CONSTRAINT achievements_slug_key UNIQUE (slug),
  CONSTRAINT achievements_name_check CHECK (char_length(name) BETWEEN 1 AND 255),
  CONSTRAINT achievements_slug_check
    CHECK (char_length(slug) <= 100 AND slug ~ '^[a-z0-9]+([_-][a-z0-9]+)*$'),
  CONSTRAINT achievements_title_check CHECK (title <> ''),
  CONSTRAINT achievements_category_check
    CHECK (category IN ('streak', 'exercise', 'github', 'community', 'mentorship', 'skill', 'special')),
  CONSTRAINT achievements_requirement_value_check CHECK (requirement_value >= 0),
  CONSTRAINT achievements_points_check CHECK (points >= 0)
);

CREATE INDEX achievements_category_display_order_id_idx
  ON :SCHEMA_KIT_SCHEMA.achievements (category, display_order, id);

CREATE TRIGGER achievements_set_updated_at BEFORE UPDATE ON :SCHEMA_KIT_SCHEMA.achievements
  FOR EACH ROW EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.core_set_updated_at();

CREATE TABLE :SCHEMA_KIT_SCHEMA.user_achievements (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  achievement_id uuid NOT NULL,
  progress_current integer NOT NULL DEFAULT 0,
  progress_target integer,
  earned boolean NOT NULL DEFAULT false,
  earned_at timestamptz,
  notified_at timestamptz,
  times_earned integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT user_achievements_pkey PRIMARY KEY (id),
  CONSTRAINT user_achievements_user_id_achievement_id_key UNIQUE (user_id, achievement_id),
  CONSTRAINT user_achievements_user_id_fkey FOREIGN KEY (user_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.users (id) ON DELETE CASCADE,
  CONSTRAINT user_achievements_achievement_id_fkey FOREIGN KEY (achievement_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.achievements (id) ON DELETE CASCADE,
  CONSTRAINT user_achievements_progress_current_check CHECK (progress_current >= 0),
  CONSTRAINT user_achievements_progress_target_check CHECK (progress_target > 0),
  CONSTRAINT user_achievements_earned_at_check CHECK (earned = (earned_at IS NOT NULL)),
  CONSTRAINT user_achievements_times_earned_check CHECK (times_earned >= 0)
);

CREATE INDEX user_achievements_achievement_id_idx
  ON :SCHEMA_KIT_SCHEMA.user_achievements (achievement_id);

CREATE TRIGGER user_achievements_set_updated_at
  BEFORE UPDATE ON :SCHEMA_KIT_SCHEMA.user_achievements
  FOR EACH ROW EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.core_set_updated_at();

-- schema-kit:down
DROP TABLE :SCHEMA_KIT_SCHEMA.user_achievements;
DROP TABLE :SCHEMA_KIT_SCHEMA.achievements;
