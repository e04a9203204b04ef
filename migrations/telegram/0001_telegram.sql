-- schema-kit:up
CREATE TABLE :SCHEMA_KIT_SCHEMA.guides (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  title text NOT NULL,
  description text,
  content_url text,
  category text NOT NULL,
  tags text[] NOT NULL DEFAULT '{}',
  difficulty_level text NOT NULL DEFAULT 'beginner',
  views_count integer NOT NULL DEFAULT 0,
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT guides_pkey PRIMARY KEY (id),
  CONSTRAINT guides_title_check CHECK (title <> ''),
  CONSTRAINT guides_category_check
    CHECK (category IN ('trading', 'technical', 'risk', 'psychology', 'automation', 'platform')),
  CONSTRAINT guides_tags_check CHECK (array_position(tags, NULL) IS NULL),
  CONSTRAINT guides_difficulty_level_check
    CHECK (difficulty_level IN ('beginner', 'intermediate', 'advanced')),
  CONSTRAINT guides_views_count_check CHECK (views_count >= 0)
);

CREATE INDEX guides_category_created_at_id_idx
  ON :SCHEMA_KIT_SCHEMA.guides (category, created_at, id);
CREATE INDEX guides_difficulty_level_idx ON :SCHEMA_KIT_SCHEMA.guides (difficulty_level);
CREATE INDEX guides_created_at_idx ON :SCHEMA_KIT_SCHEMA.guides (created_at);

CREATE TRIGGER guides_set_updated_at BEFORE UPDATE ON :SCHEMA_KIT_SCHEMA.guides
  FOR EACH ROW EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.core_set_updated_at();

CREATE TABLE :SCHEMA_KIT_SCHEMA.broadcasts (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  title text NOT NULL,
  message_text text NOT NULL,
  message_type text NOT NULL DEFAULT 'text',
  target_audience text NOT NULL DEFAULT 'all',
  status text NOT NULL DEFAULT 'draft',
  scheduled_at timestamptz,
  sent_at timestamptz,
  recipients_count integer NOT NULL DEFAULT 0,
  failed_count integer NOT NULL DEFAULT 0,
  created_by_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT broadcasts_pkey PRIMARY KEY (id),
  CONSTRAINT broadcasts_created_by_id_fkey FOREIGN KEY (created_by_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.users (id) ON DELETE SET NULL,
  CONSTRAINT broadcasts_title_check CHECK (title <> ''),
  CONSTRAINT broadcasts_message_text_check CHECK (message_text <> ''),
  CONSTRAINT broadcasts_message_type_check CHECK (message_type IN ('text', 'photo', 'video')),
  CONSTRAINT broadcasts_target_audience_check
    CHECK (target_audience ~ '^[a-z][a-z0-9_]{0,31}$'),
  CONSTRAINT broadcasts_status_check
    CHECK (status IN ('draft', 'scheduled', 'sending', 'sent', 'failed')),
  CONSTRAINT broadcasts_scheduled_at_check
    CHECK (status <> 'scheduled' OR scheduled_at IS NOT NULL),
  CONSTRAINT broadcasts_sent_at_check CHECK (status <> 'sent' OR sent_at IS NOT NULL),
  CONSTRAINT broadcasts_recipients_count_check CHECK (recipients_count >= 0),
  CONSTRAINT broadcasts_failed_count_check CHECK (failed_count >= 0)
);

CREATE INDEX broadcasts_status_idx ON :SCHEMA_KIT_SCHEMA.broadcasts (status);
CREATE INDEX broadcasts_scheduled_at_idx ON :SCHEMA_KIT_SCHEMA.broadcasts (scheduled_at)
  WHERE status = 'scheduled';
CREATE INDEX broadcasts_sending_updated_at_idx ON :SCHEMA_KIT_SCHEMA.broadcasts (updated_at)
  WHERE status = 'sending';
CREATE INDEX broadcasts_created_at_idx ON :SCHEMA_KIT_SCHEMA.broadcasts (created_at);
CREATE INDEX broadcasts_created_by_id_idx ON :SCHEMA_KIT_SCHEMA.broadcasts (created_by_id);

CREATE TRIGGER broadcasts_set_updated_at BEFORE UPDATE ON :SCHEMA_KIT_SCHEMA.broadcasts
  FOR EACH ROW EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.core_set_updated_at();

CREATE TABLE :SCHEMA_KIT_SCHEMA.user_guide_collections (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  guide_id uuid NOT NULL,
  is_read boolean NOT NULL DEFAULT false,
  times_viewed integer NOT NULL DEFAULT 0,
  last_viewed_at timestamptz,
  saved_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT user_guide_collections_pkey PRIMARY KEY (id),
  CONSTRAINT user_guide_collections_user_id_guide_id_key UNIQUE (user_id, guide_id),
  CONSTRAINT user_guide_collections_user_id_fkey FOREIGN KEY (user_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.users (id) ON DELETE CASCADE,
  CONSTRAINT user_guide_collections_guide_id_fkey FOREIGN KEY (guide_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.guides (id) ON DELETE CASCADE,
  CONSTRAINT user_guide_collections_times_viewed_check CHECK (times_viewed >= 0)
);

CREATE INDEX user_guide_collections_guide_id_idx
  ON :SCHEMA_KIT_SCHEMA.user_guide_collections (guide_id);
CREATE INDEX user_guide_collections_user_id_saved_at_id_idx
  ON :SCHEMA_KIT_SCHEMA.user_guide_collections (user_id, saved_at, id);

-- schema-kit:down
DROP TABLE :SCHEMA_KIT_SCHEMA.user_guide_collections;
DROP TABLE :SCHEMA_KIT_SCHEMA.broadcasts;
DROP TABLE :SCHEMA_KIT_SCHEMA.guides;
