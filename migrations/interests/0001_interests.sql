-- schema-kit:up
CREATE TABLE :SCHEMA_KIT_SCHEMA.content_packages (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  title text NOT NULL,
  description text,
  category text NOT NULL,
  package_type text NOT NULL,
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT content_packages_pkey PRIMARY KEY (id),
  CONSTRAINT content_packages_title_check CHECK (title <> ''),
  CONSTRAINT content_packages_category_check
    CHECK (category IN ('course', 'guide', 'tool', 'template', 'community', 'event', 'other')),
  CONSTRAINT content_packages_package_type_check CHECK (package_type IN ('free', 'premium'))
);

CREATE TRIGGER content_packages_set_updated_at BEFORE UPDATE ON :SCHEMA_KIT_SCHEMA.content_packages
  FOR EACH ROW EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.core_set_updated_at();

CREATE TABLE :SCHEMA_KIT_SCHEMA.user_interests (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  package_id uuid NOT NULL,
  is_attended boolean NOT NULL DEFAULT false,
  attended_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT user_interests_pkey PRIMARY KEY (id),
  CONSTRAINT user_interests_user_id_package_id_key UNIQUE (user_id, package_id),
  CONSTRAINT user_interests_user_id_fkey FOREIGN KEY (user_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.users (id) ON DELETE CASCADE,
  CONSTRAINT user_interests_package_id_fkey FOREIGN KEY (package_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.content_packages (id) ON DELETE CASCADE,
  CONSTRAINT user_interests_attended_at_check CHECK (is_attended = (attended_at IS NOT NULL))
);

CREATE INDEX user_interests_user_id_created_at_id_idx
  ON :SCHEMA_KIT_SCHEMA.user_interests (user_id, created_at, id);
CREATE INDEX user_interests_package_id_is_attended_created_at_id_idx
  ON :SCHEMA_KIT_SCHEMA.user_interests (package_id, is_attended, created_at, id);

-- schema-kit:down
DROP TABLE :SCHEMA_KIT_SCHEMA.user_interests;
DROP TABLE :SCHEMA_KIT_SCHEMA.content_packages;
