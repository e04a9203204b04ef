import { z } from 'zod';
import { parseInput } from '../validation/parse.js';
import { sessionTtlSchema } from '../modules/sessions/index.js';
import { idText } from '../validation/common.js';

/** Options of the session stores of `schema-kit/grammy` and `schema-kit/telegraf`. */
export interface SessionStoreOptions {
  /** Milliseconds a session lives after its last write (by the database's clock); default: forever. */
  readonly ttl?: number;
  /** Put before every key, so several bots or session kinds share the table; default none. */
  readonly keyPrefix?: string;
  /** The schema schema-kit was installed into. Default `'schema_kit'`. */
  readonly schema?: string;
}

const optionsSchema = z
  .object({ ttl: sessionTtlSchema.optional(), keyPrefix: idText(256).optional(), schema: z.string().optional() })
  .strict();

/** The validated options of a session store. */
export function sessionStoreOptions(options: unknown): SessionStoreOptions {
  return parseInput(optionsSchema, options, 'options');
}
