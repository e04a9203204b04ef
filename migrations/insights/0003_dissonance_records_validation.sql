-- schema-kit:no-transaction
-- schema-kit:up
-- Validates what insights/0002 added NOT VALID, with writes going on (each statement on its own,
-- a rerun validates again, which is idempotent). The indexes of 0001 back both foreign keys
-- (dissonance_records_conversation_id_idx, dissonance_records_risk_level_dissonance_score_idx).

ALTER TABLE :SCHEMA_KIT_SCHEMA.dissonance_records VALIDATE CONSTRAINT dissonance_records_risk_level_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.dissonance_records VALIDATE CONSTRAINT dissonance_records_conversation_id_fkey;
ALTER TABLE :SCHEMA_KIT_SCHEMA.dissonance_records VALIDATE CONSTRAINT dissonance_records_transcript_length_check;
ALTER TABLE :SCHEMA_KIT_SCHEMA.dissonance_records VALIDATE CONSTRAINT dissonance_records_interpretation_length_check;

-- schema-kit:down
-- Validation has nothing to revert: the down of insights/0002 drops the constraints.
SELECT 1;
