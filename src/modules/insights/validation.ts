import { z } from 'zod';
import type { RiskLevel } from './values.js';
import { freeText, jsonValue, pageOptions, uuid, vocabularyField } from '../../validation/common.js';
import { boundedNumber } from '../../validation/numbers.js';
import { keysetCursor } from '../../repos/cursor.js';

/** The changes of one interface version: any JSON value. */
export const interfaceChangesSchema = jsonValue;

/** A new dissonance record for `DissonanceRepo.record`. */
export const newDissonanceSchema = z
  .object({
    user_id: uuid,
    conversation_id: uuid.nullable().optional(),
    transcript: freeText(1_000_000).nullable().optional(),
    emotions: jsonValue.optional(),
    interpretation: freeText(100_000).nullable().optional(),
    dissonance_score: boundedNumber(0, 1),
    risk_level: vocabularyField<RiskLevel>(),
  })
  .strict();

/** The input of {@link newDissonanceSchema}. */
export type NewDissonanceInput = z.input<typeof newDissonanceSchema>;

/** Page options of the insights listings (cursor: opaque, from `next`). */
export const insightsPageSchema = pageOptions(keysetCursor);

/** Options of `DissonanceRepo.list`: risk level(s) and a minimum score (inclusive). */
export const dissonanceQuerySchema = insightsPageSchema
  .extend({
    risk_level: z.union([vocabularyField<RiskLevel>(), z.array(vocabularyField<RiskLevel>()).min(1, 'must name at least one level')]).optional(),
    min_score: boundedNumber(0, 1).optional(),
  })
  .strict();
