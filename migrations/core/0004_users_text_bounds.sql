-- schema-kit:up
-- Every text column has a length bound in the database, the one its zod schema sets (issue 29):
-- rows written through the library already fit. Added NOT VALID (no scan under the lock):
-- core/0005 validates them outside a transaction. A longer value written by raw SQL makes that
-- validation fail: the upgrade stops at this version, naming the constraint.

ALTER TABLE :SCHEMA_KIT_SCHEMA.users
  ADD CONSTRAINT users_name_length_check CHECK (char_length(name) <= 512) NOT VALID,
  ADD CONSTRAINT users_avatar_url_length_check CHECK (char_length(avatar_url) <= 2048) NOT VALID,
  ADD CONSTRAINT users_programming_language_length_check CHECK (char_length(programming_language) <= 128) NOT VALID,
  ADD CONSTRAINT users_learning_style_length_check CHECK (char_length(learning_style) <= 512) NOT VALID,
  ADD CONSTRAINT users_career_goals_length_check CHECK (char_length(career_goals) <= 10000) NOT VALID,
  ADD CONSTRAINT users_time_commitment_length_check CHECK (char_length(time_commitment) <= 512) NOT VALID,
  ADD CONSTRAINT users_telegram_username_length_check CHECK (char_length(telegram_username) <= 256) NOT VALID,
  ADD CONSTRAINT users_telegram_first_name_length_check CHECK (char_length(telegram_first_name) <= 256) NOT VALID,
  ADD CONSTRAINT users_telegram_last_name_length_check CHECK (char_length(telegram_last_name) <= 256) NOT VALID;
ALTER TABLE :SCHEMA_KIT_SCHEMA.roles
  ADD CONSTRAINT roles_description_length_check CHECK (char_length(description) <= 2000) NOT VALID;

-- schema-kit:down
ALTER TABLE :SCHEMA_KIT_SCHEMA.roles DROP CONSTRAINT roles_description_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.users
  DROP CONSTRAINT users_name_length_check,
  DROP CONSTRAINT users_avatar_url_length_check,
  DROP CONSTRAINT users_programming_language_length_check,
  DROP CONSTRAINT users_learning_style_length_check,
  DROP CONSTRAINT users_career_goals_length_check,
  DROP CONSTRAINT users_time_commitment_length_check,
  DROP CONSTRAINT users_telegram_username_length_check,
  DROP CONSTRAINT users_telegram_first_name_length_check,
  DROP CONSTRAINT users_telegram_last_name_length_check;
