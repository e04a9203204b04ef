-- schema-kit:up
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.planning_set_updated_at() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
BEGIN
  NEW.updated_at := pg_catalog.now();
  RETURN NEW;
END
$$;

CREATE TABLE :SCHEMA_KIT_SCHEMA.projects (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  description text,
  status text NOT NULL DEFAULT 'active',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT projects_pkey PRIMARY KEY (id),
  CONSTRAINT projects_name_key UNIQUE (name),
  CONSTRAINT projects_name_check CHECK (char_length(name) BETWEEN 1 AND 200),
  CONSTRAINT projects_status_check
    CHECK (status IN ('active', 'paused', 'completed', 'archived'))
);

CREATE TRIGGER projects_set_updated_at BEFORE UPDATE ON :SCHEMA_KIT_SCHEMA.projects
  FOR EACH ROW EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.planning_set_updated_at();

CREATE TABLE :SCHEMA_KIT_SCHEMA.releases (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  project_id uuid NOT NULL,
  version text NOT NULL,
  target_date date,
  status text NOT NULL DEFAULT 'planned',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT releases_pkey PRIMARY KEY (id),
  CONSTRAINT releases_project_id_version_key UNIQUE (project_id, version),
  -- lets features reference (release, project), so a feature's release is of its own project
  CONSTRAINT releases_id_project_id_key UNIQUE (id, project_id),
  CONSTRAINT releases_project_id_fkey FOREIGN KEY (project_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.projects (id) ON DELETE CASCADE,
  CONSTRAINT releases_version_check CHECK (char_length(version) BETWEEN 1 AND 128),
  CONSTRAINT releases_status_check
    CHECK (status IN ('planned', 'in_progress', 'released', 'cancelled'))
);

CREATE TRIGGER releases_set_updated_at BEFORE UPDATE ON :SCHEMA_KIT_SCHEMA.releases
  FOR EACH ROW EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.planning_set_updated_at();

CREATE TABLE :SCHEMA_KIT_SCHEMA.features (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  project_id uuid NOT NULL,
  name text NOT NULL,
  description text,
  status text NOT NULL DEFAULT 'backlog',
  status_reason text,
  assigned_teams text[] NOT NULL DEFAULT '{}',
  assigned_po text,
  release_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT features_pkey PRIMARY KEY (id),
  CONSTRAINT features_project_id_fkey FOREIGN KEY (project_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.projects (id) ON DELETE CASCADE,
  CONSTRAINT features_release_id_fkey FOREIGN KEY (release_id, project_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.releases (id, project_id) ON DELETE SET NULL (release_id),
  CONSTRAINT features_name_check CHECK (char_length(name) BETWEEN 1 AND 200),
  CONSTRAINT features_status_check
    CHECK (status IN ('backlog', 'planned', 'in_progress', 'blocked', 'done', 'cancelled')),
  CONSTRAINT features_assigned_teams_check CHECK (array_position(assigned_teams, NULL) IS NULL),
  CONSTRAINT features_assigned_po_check CHECK (char_length(assigned_po) BETWEEN 1 AND 100)
);

CREATE INDEX features_project_id_created_at_id_idx
  ON :SCHEMA_KIT_SCHEMA.features (project_id, created_at, id);
CREATE INDEX features_status_idx ON :SCHEMA_KIT_SCHEMA.features (status);
CREATE INDEX features_release_id_idx ON :SCHEMA_KIT_SCHEMA.features (release_id);

CREATE TRIGGER features_set_updated_at BEFORE UPDATE ON :SCHEMA_KIT_SCHEMA.features
  FOR EACH ROW EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.planning_set_updated_at();

CREATE TABLE :SCHEMA_KIT_SCHEMA.user_context (
  user_id text NOT NULL,
  active_project_id uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT user_context_pkey PRIMARY KEY (user_id),
  CONSTRAINT user_context_active_project_id_fkey FOREIGN KEY (active_project_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.projects (id) ON DELETE SET NULL,
  CONSTRAINT user_context_user_id_check CHECK (char_length(user_id) BETWEEN 1 AND 512)
);

CREATE INDEX user_context_active_project_id_idx
  ON :SCHEMA_KIT_SCHEMA.user_context (active_project_id);

CREATE TRIGGER user_context_set_updated_at BEFORE UPDATE ON :SCHEMA_KIT_SCHEMA.user_context
  FOR EACH ROW EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.planning_set_updated_at();

-- schema-kit:down
DROP TABLE :SCHEMA_KIT_SCHEMA.user_context;
DROP TABLE :SCHEMA_KIT_SCHEMA.features;
DROP TABLE :SCHEMA_KIT_SCHEMA.releases;
DROP TABLE :SCHEMA_KIT_SCHEMA.projects;
DROP FUNCTION :SCHEMA_KIT_SCHEMA.planning_set_updated_at();
