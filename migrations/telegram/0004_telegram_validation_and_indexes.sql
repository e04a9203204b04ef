-- schema-kit:no-transaction
-- schema-kit:up
-- Validates what telegram/0002 and 0003 added NOT VALID and indexes the broadcast_message_types
-- foreign key concurrently (a rename of a type cascades through it), with writes going on (each
-- statement on its own; a rerun skips what is done). The indexes of 0001 back the two guide
-- vocabularies (guides_category_created_at_id_idx, guides_difficulty_level_idx).

ALTER TABLE :SCHEMA_KIT_SCHEMA.guides VALIDATE CONSTRAINT guides_category_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.guides VALIDATE CONSTRAINT guides_difficulty_level_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.broadcasts VALIDATE CONSTRAINT broadcasts_message_type_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.guides VALIDATE CONSTRAINT guides_title_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.guides VALIDATE CONSTRAINT guides_description_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.guides VALIDATE CONSTRAINT guides_content_url_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.broadcasts VALIDATE CONSTRAINT broadcasts_title_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.broadcasts VALIDATE CONSTRAINT broadcasts_message_text_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.broadcasts VALIDATE CONSTRAINT broadcasts_audience_kind_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.broadcasts VALIDATE CONSTRAINT broadcasts_audience_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.broadcasts VALIDATE CONSTRAINT broadcasts_audience_category_length_check;

CREATE INDEX CONCURRENTLY IF NOT EXISTS broadcasts_message_type_idx ON :SCHEMA_KIT_SCHEMA.broadcasts (message_type);

-- schema-kit:down
DROP INDEX CONCURRENTLY IF EXISTS :SCHEMA_KIT_SCHEMA.broadcasts_message_type_idx;
