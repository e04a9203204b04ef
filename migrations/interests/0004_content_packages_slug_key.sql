-- schema-kit:up
-- The unique index interests/0003 built concurrently becomes the unique constraint on slug (the
-- key of the race-free get-or-create): USING INDEX adopts it without a build or a scan.

ALTER TABLE :SCHEMA_KIT_SCHEMA.content_packages
  ADD CONSTRAINT content_packages_slug_key UNIQUE USING INDEX content_packages_slug_key;

-- schema-kit:down
-- Back to the index alone, which the down of interests/0003 drops (dropping the constraint would
-- drop its index too).
ALTER TABLE :SCHEMA_KIT_SCHEMA.content_packages DROP CONSTRAINT content_packages_slug_key;
-- schema-kit:lock-heavy a down: puts back the index the constraint owned, as interests/0003 left it
CREATE UNIQUE INDEX content_packages_slug_key ON :SCHEMA_KIT_SCHEMA.content_packages (slug);
