-- schema-kit:no-transaction
-- schema-kit:up
-- Validates what learning/0002 and 0004 added NOT VALID and indexes the vocabulary foreign keys
-- concurrently (a rename of a value cascades through them), with writes going on (each statement
-- on its own; a rerun skips what is done).

ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises VALIDATE CONSTRAINT exercises_exercise_type_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises VALIDATE CONSTRAINT exercises_difficulty_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_memory VALIDATE CONSTRAINT user_memory_preferred_difficulty_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises VALIDATE CONSTRAINT exercises_title_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises VALIDATE CONSTRAINT exercises_description_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises VALIDATE CONSTRAINT exercises_programming_language_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises VALIDATE CONSTRAINT exercises_starter_code_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.exercises VALIDATE CONSTRAINT exercises_solution_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_exercises VALIDATE CONSTRAINT user_exercises_submitted_code_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.user_exercises VALIDATE CONSTRAINT user_exercises_feedback_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversations VALIDATE CONSTRAINT conversations_title_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages VALIDATE CONSTRAINT messages_model_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages VALIDATE CONSTRAINT messages_finish_reason_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages VALIDATE CONSTRAINT messages_tool_call_id_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.message_tool_calls VALIDATE CONSTRAINT message_tool_calls_call_id_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversation_summaries VALIDATE CONSTRAINT conversation_summaries_content_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversation_summaries VALIDATE CONSTRAINT conversation_summaries_model_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.conversation_usage VALIDATE CONSTRAINT conversation_usage_model_length_check;

CREATE INDEX CONCURRENTLY IF NOT EXISTS exercises_exercise_type_idx ON :SCHEMA_KIT_SCHEMA.exercises (exercise_type);
CREATE INDEX CONCURRENTLY IF NOT EXISTS exercises_difficulty_idx ON :SCHEMA_KIT_SCHEMA.exercises (difficulty);
CREATE INDEX CONCURRENTLY IF NOT EXISTS user_memory_preferred_difficulty_idx ON :SCHEMA_KIT_SCHEMA.user_memory (preferred_difficulty);

-- schema-kit:down
DROP INDEX CONCURRENTLY IF EXISTS :SCHEMA_KIT_SCHEMA.user_memory_preferred_difficulty_idx;
DROP INDEX CONCURRENTLY IF EXISTS :SCHEMA_KIT_SCHEMA.exercises_difficulty_idx;
DROP INDEX CONCURRENTLY IF EXISTS :SCHEMA_KIT_SCHEMA.exercises_exercise_type_idx;
