-- schema-kit:no-transaction
-- schema-kit:up
-- Validates what interests/0002 added NOT VALID and builds the indexes concurrently, with writes
-- going on (each statement on its own; a rerun skips what is done):
--   content_packages_slug_key                    slug unique, the key of the race-free get-or-create
--   content_packages_category_created_at_id_idx  the per-category listing; backs the category foreign key
--   content_packages_package_type_idx            backs the package_types foreign key
--   user_interests_package_id_user_id_idx        the followers of a package in user id order: a
--                                                broadcast to them (BroadcastRepo.recipients) reads
--                                                them in keyset pages by user id

ALTER TABLE :SCHEMA_KIT_SCHEMA.content_packages VALIDATE CONSTRAINT content_packages_category_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.content_packages VALIDATE CONSTRAINT content_packages_package_type_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.content_packages VALIDATE CONSTRAINT content_packages_slug_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.content_packages VALIDATE CONSTRAINT content_packages_title_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.content_packages VALIDATE CONSTRAINT content_packages_description_length_check;

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS content_packages_slug_key
  ON :SCHEMA_KIT_SCHEMA.content_packages (slug);
CREATE INDEX CONCURRENTLY IF NOT EXISTS content_packages_category_created_at_id_idx
  ON :SCHEMA_KIT_SCHEMA.content_packages (category, created_at, id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS content_packages_package_type_idx
  ON :SCHEMA_KIT_SCHEMA.content_packages (package_type);
CREATE INDEX CONCURRENTLY IF NOT EXISTS user_interests_package_id_user_id_idx
  ON :SCHEMA_KIT_SCHEMA.user_interests (package_id, user_id);

-- schema-kit:down
DROP INDEX CONCURRENTLY IF EXISTS :SCHEMA_KIT_SCHEMA.user_interests_package_id_user_id_idx;
DROP INDEX CONCURRENTLY IF EXISTS :SCHEMA_KIT_SCHEMA.content_packages_package_type_idx;
DROP INDEX CONCURRENTLY IF EXISTS :SCHEMA_KIT_SCHEMA.content_packages_category_created_at_id_idx;
DROP INDEX CONCURRENTLY IF EXISTS :SCHEMA_KIT_SCHEMA.content_packages_slug_key;
