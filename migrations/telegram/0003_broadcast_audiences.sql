-- schema-kit:up
-- Broadcast audiences beyond roles: `audience_kind` says how `recipients` resolves a broadcast.
--   role      target_audience: 'all' or a role name (every broadcast made before this migration)
--   package   the followers of a content package: users with an interest in audience_package_id
--   category  users with an interest in any package of audience_category
--   users     an explicit list, the rows of broadcast_audience_users
-- package and category read the interests module's tables; without it they have no recipients.
-- No foreign key to content_packages: the telegram module does not need the interests module.
-- Online: the columns have constant defaults (no rewrite) and the CHECKs are added NOT VALID:
-- telegram/0004 validates them outside a transaction.

ALTER TABLE :SCHEMA_KIT_SCHEMA.broadcasts
  ADD COLUMN audience_kind text NOT NULL DEFAULT 'role',
  ADD COLUMN audience_package_id uuid,
  ADD COLUMN audience_category text,
  ADD CONSTRAINT broadcasts_audience_kind_check CHECK (audience_kind IN ('role', 'package', 'category', 'users')) NOT VALID,
  ADD CONSTRAINT broadcasts_audience_check CHECK (
    (audience_kind = 'package') = (audience_package_id IS NOT NULL)
    AND (audience_kind = 'category') = (audience_category IS NOT NULL)) NOT VALID,
  ADD CONSTRAINT broadcasts_audience_category_length_check CHECK (char_length(audience_category) <= 64) NOT VALID;

CREATE TABLE :SCHEMA_KIT_SCHEMA.broadcast_audience_users (
  broadcast_id uuid NOT NULL,
  user_id uuid NOT NULL,
  CONSTRAINT broadcast_audience_users_pkey PRIMARY KEY (broadcast_id, user_id),
  CONSTRAINT broadcast_audience_users_broadcast_id_fkey FOREIGN KEY (broadcast_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.broadcasts (id) ON DELETE CASCADE,
  CONSTRAINT broadcast_audience_users_user_id_fkey FOREIGN KEY (user_id)
    REFERENCES :SCHEMA_KIT_SCHEMA.users (id) ON DELETE CASCADE
);
CREATE INDEX broadcast_audience_users_user_id_idx ON :SCHEMA_KIT_SCHEMA.broadcast_audience_users (user_id);

-- schema-kit:down
DROP TABLE :SCHEMA_KIT_SCHEMA.broadcast_audience_users;
ALTER TABLE :SCHEMA_KIT_SCHEMA.broadcasts
  DROP CONSTRAINT broadcasts_audience_category_length_check,
  DROP CONSTRAINT broadcasts_audience_check,
  DROP CONSTRAINT broadcasts_audience_kind_check,
  DROP COLUMN audience_category,
  DROP COLUMN audience_package_id,
  DROP COLUMN audience_kind;
