import { z } from 'zod';
import { idText, jsonValue, validDate } from '../../validation/common.js';

/** A message id: 1-512 characters, no NUL. */
export const messageIdSchema = idText(512);

/** A consumer name: 1-128 characters, no NUL. */
export const consumerSchema = idText(128);

/** Options naming the consumer a call is scoped to. */
export const consumerOptionsSchema = z.object({ consumer: consumerSchema.optional() }).strict();

/** A list of message ids for `claimMany`: 0-10,000 ids. */
export const messageIdListSchema = z.array(messageIdSchema).max(10_000, 'must hold at most 10000 ids');

/** Options of `processOnce`. */
export const processOnceOptionsSchema = z
  .object({ consumer: consumerSchema.optional(), keepResult: z.boolean().optional() })
  .strict();

/** Options of `pruneOlderThan`. */
export const pruneOptionsSchema = z
  .object({
    consumer: consumerSchema.optional(),
    batchSize: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100_000, 'must be at most 100000').optional(),
  })
  .strict();

/** The cut-off of `pruneOlderThan`. */
export const cutoffSchema = validDate;

/** A dedup window in milliseconds: at least one second, at most ten years. */
export const dedupWindowSchema = z
  .number({ error: 'must be a number of milliseconds' })
  .int('must be a whole number of milliseconds')
  .min(1000, 'must be at least 1000 (one second)')
  .max(315_360_000_000, 'must be at most ten years');

/** A handler's result kept by `processOnce`: any JSON value. */
export const keptResultSchema = jsonValue;
