-- schema-kit:up
-- The followers of a package in user id order: a broadcast to a package's followers
-- (BroadcastRepo.recipients) reads them in keyset pages by user id.
CREATE INDEX user_interests_package_id_user_id_idx ON :SCHEMA_KIT_SCHEMA.user_interests (package_id, user_id);

-- schema-kit:down
DROP INDEX :SCHEMA_KIT_SCHEMA.user_interests_package_id_user_id_idx;
