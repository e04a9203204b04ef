-- schema-kit:up
CREATE TABLE :SCHEMA_KIT_SCHEMA.interface_evolution_log (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  version integer NOT NULL,
  changes jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT interface_evolution_log_pkey PRIMARY KEY (id),
  CONSTRAINT interface_evolution_log_user_id_version_key UNIQUE (user_id, version),
  CONSTRAINT interface_evolution_log_user_id_fkey FOREIGN KEY (user_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.users (id) ON DELETE CASCADE,
  CONSTRAINT interface_evolution_log_version_check CHECK (version > 0)
);

CREATE TABLE :SCHEMA_KIT_SCHEMA.dissonance_records (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  conversation_id uuid,
  transcript text,
  emotions jsonb,
  interpretation text,
  dissonance_score double precision NOT NULL,
  risk_level text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT dissonance_records_pkey PRIMARY KEY (id),
  CONSTRAINT dissonance_records_user_id_fkey FOREIGN KEY (user_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.users (id) ON DELETE CASCADE,
  CONSTRAINT dissonance_records_conversation_id_fkey FOREIGN KEY (conversation_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.conversations (id) ON DELETE CASCADE,
  CONSTRAINT dissonance_records_dissonance_score_check
    CHECK (dissonance_score >= 0 AND dissonance_score <= 1),
  CONSTRAINT dissonance_records_risk_level_check
    CHECK (risk_level IN ('low', 'medium', 'high', 'critical'))
);

CREATE INDEX dissonance_records_user_id_created_at_id_idx
  ON :SCHEMA_KIT_SCHEMA.dissonance_records (user_id, created_at, id);
CREATE INDEX dissonance_records_conversation_id_idx
  ON :SCHEMA_KIT_SCHEMA.dissonance_records (conversation_id);
CREATE INDEX dissonance_records_dissonance_score_idx
  ON :SCHEMA_KIT_SCHEMA.dissonance_records (dissonance_score);
CREATE INDEX dissonance_records_risk_level_dissonance_score_idx
  ON :SCHEMA_KIT_SCHEMA.dissonance_records (risk_level, dissonance_score);

-- schema-kit:down
DROP TABLE :SCHEMA_KIT_SCHEMA.dissonance_records;
DROP TABLE :SCHEMA_KIT_SCHEMA.interface_evolution_log;
