import { z } from 'zod';
import { idText, jsonValue } from '../../validation/common.js';

/** A session key: 1-512 characters, no NUL. */
export const sessionKeySchema = idText(512);

/** A session value: any JSON value jsonb stores exactly (a value of `undefined` is a delete). */
export const sessionValueSchema = jsonValue;

/** A session's time to live in milliseconds: at least one second, at most ten years. */
export const sessionTtlSchema = z
  .number({ error: 'must be a number of milliseconds' })
  .int('must be a whole number of milliseconds')
  .min(1000, 'must be at least 1000 (one second)')
  .max(315_360_000_000, 'must be at most ten years');

/** Options of `SessionRepo.write`. */
export const sessionWriteOptionsSchema = z.object({ ttl: sessionTtlSchema.optional() }).strict();

/** A key prefix of the listings: 0-511 characters, no NUL. */
export const sessionPrefixSchema = z.union([z.literal(''), idText(511)]);

/** Options of `SessionRepo.pruneExpired`. */
export const sessionPruneOptionsSchema = z
  .object({ batchSize: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100_000, 'must be at most 100000').optional() })
  .strict();
