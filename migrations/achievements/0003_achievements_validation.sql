-- schema-kit:no-transaction
-- schema-kit:up
-- Validates what achievements/0002 added NOT VALID, with writes going on (each statement on its
-- own; a rerun validates again, which is idempotent). achievements_category_display_order_id_idx
-- (0001) already backs the achievement_categories foreign key.

ALTER TABLE :SCHEMA_KIT_SCHEMA.achievements VALIDATE CONSTRAINT achievements_category_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.achievements VALIDATE CONSTRAINT achievements_title_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.achievements VALIDATE CONSTRAINT achievements_description_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.achievements VALIDATE CONSTRAINT achievements_requirement_description_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.achievements VALIDATE CONSTRAINT achievements_icon_url_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.achievements VALIDATE CONSTRAINT achievements_badge_color_length_check;

-- schema-kit:down
-- Validation has nothing to revert: the down of achievements/0002 drops the constraints.
SELECT 1;
