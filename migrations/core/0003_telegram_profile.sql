-- schema-kit:up
-- The fields of a Telegram user a bot needs besides the names: the IETF language tag of the
-- user's client (null when Telegram did not send one), whether they have Telegram Premium and
-- whether they added the bot to their attachment menu (Telegram omits both when false).
-- Online: constant defaults need no rewrite; the CHECK is added NOT VALID, validated by core/0005.

ALTER TABLE :SCHEMA_KIT_SCHEMA.users
  ADD COLUMN language_code text,
  ADD COLUMN is_premium boolean NOT NULL DEFAULT false,
  ADD COLUMN added_to_attachment_menu boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT users_language_code_check CHECK (language_code ~ '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$' AND char_length(language_code) <= 35) NOT VALID;

-- schema-kit:down
ALTER TABLE :SCHEMA_KIT_SCHEMA.users
  DROP CONSTRAINT users_language_code_check,
  DROP COLUMN added_to_attachment_menu,
  DROP COLUMN is_premium,
  DROP COLUMN language_code;
