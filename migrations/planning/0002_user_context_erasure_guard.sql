-- schema-kit:up
-- user_context is keyed by the host's identifier of a user ('tg:42'): once forgetUser forgot that
-- identifier, a new row naming it is refused (SQLSTATE SKF01), as in the logs (docs/lifecycle.md).
SELECT :SCHEMA_KIT_SCHEMA.lifecycle_guard_forgotten(':SCHEMA_KIT_SCHEMA.user_context', ARRAY['user_id']);

-- schema-kit:down
DROP TRIGGER user_context_refuse_forgotten ON :SCHEMA_KIT_SCHEMA.user_context;
DROP FUNCTION :SCHEMA_KIT_SCHEMA.user_context_refuse_forgotten();
