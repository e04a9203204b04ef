import { z } from 'zod';
import { idText } from '../../validation/common.js';
import { positionSchema } from '../audit/index.js';

/** A consumer's name: 1-128 characters, no NUL. */
export const consumerNameSchema = idText(128);

const count = (min: number, max: number) =>
  z.number().int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

/** Options of `new FeedConsumer(db, options)`, defaults applied. */
export const feedConsumerOptionsSchema = z
  .object({
    name: consumerNameSchema,
    schema: z.string().optional(),
    preparedStatements: z.boolean().optional(),
    batchSize: count(1, 10_000).default(100),
    filter: z
      .object({
        actions: z.array(idText(128)).max(1000, 'must hold at most 1000 actions').optional(),
        entityTypes: z.array(idText(128)).max(1000, 'must hold at most 1000 entity types').optional(),
      })
      .strict()
      .optional(),
    listen: z.boolean().default(true),
    pool: z.custom<{ connect(): Promise<unknown> }>((value) => typeof (value as { connect?: unknown } | null)?.connect === 'function', 'must be a pg Pool').optional(),
    pollIntervalMs: count(10, 60_000).default(500),
    leaseMs: count(500, 600_000).default(1500),
    maxAttempts: count(1, 1000).default(5),
    retryDelayMs: count(0, 600_000).default(100),
    maxRetryDelayMs: count(0, 3_600_000).default(30_000),
  })
  .strict();

/** Options of `FeedConsumer.run`. */
export const runOptionsSchema = z.object({ signal: z.instanceof(AbortSignal, { message: 'must be an AbortSignal' }).optional() }).strict();

/** Options of `FeedConsumer.reset`. */
export const resetOptionsSchema = z.object({ to: positionSchema.optional() }).strict();
