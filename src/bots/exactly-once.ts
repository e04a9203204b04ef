import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { consumerSchema, ProcessedMessageRepo } from '../modules/idempotency/index.js';
import { parseInput } from '../validation/parse.js';
import { DeferredCalls, heldByDefault } from './deferred-calls.js';
import { inUpdateTransaction } from './update-transaction.js';

/** Options of `exactlyOnce` (grammY and Telegraf). */
export interface ExactlyOnceOptions {
  /** The schema schema-kit was installed into. Default `'schema_kit'`. */
  readonly schema?: string;
  /** The `processed_messages` consumer the updates are claimed under. Default `'telegram'`. */
  readonly consumer?: string;
  /**
   * Whether a Bot API call made by the handler is held until the update's transaction commits.
   * Default: every method except the reads (`get*`: getChat, getChatMember, getFile...), which
   * are sent at once because the handler needs their answer and they change nothing.
   */
  readonly hold?: (method: string) => boolean;
}

const optionsSchema = z
  .object({
    schema: z.string().optional(),
    consumer: consumerSchema.optional(),
    hold: z.custom<(method: string) => boolean>((value) => typeof value === 'function', 'must be a function').optional(),
  })
  .strict();

/** The validated options of `exactlyOnce`. */
function exactlyOnceOptions(options: unknown): ExactlyOnceOptions {
  return parseInput(optionsSchema, options, 'options');
}

/** The message id an update is claimed under: its bot's id and its `update_id` (update ids are per bot). */
export function updateMessageId(botId: number, updateId: number): string {
  return `bot:${botId}:update:${updateId}`;
}

/** What a framework's middleware gives for one update. */
export interface UpdateHandling<DB> {
  readonly botId: number;
  readonly updateId: number;
  /** Installs the hold of the update's Bot API calls on the framework's client for this update. */
  readonly holdOn: (calls: DeferredCalls, hold: (method: string) => boolean) => void;
  /** Runs the rest of the middleware with the update's transaction. */
  readonly next: (trx: Transaction<DB>) => Promise<void>;
}

/**
 * The per-update work of both frameworks' `exactlyOnce`: claims the update and runs the rest of
 * the middleware in one transaction (`processOnce`), then sends the calls it held. An update
 * claimed before runs nothing, sends nothing and is told to `onDuplicate`. A throw rolls the claim
 * back, drops the held calls and is rethrown.
 */
export function exactlyOnceHandler<DB, C>(
  db: Kysely<DB>,
  options: ExactlyOnceOptions & { readonly onDuplicate?: (ctx: C) => void | Promise<void> },
): (ctx: C, update: UpdateHandling<DB>) => Promise<void> {
  const { onDuplicate, ...common } = options;
  const parsed = exactlyOnceOptions(common);
  const hold = parsed.hold ?? heldByDefault;
  const inbox = new ProcessedMessageRepo(db, {
    consumer: parsed.consumer ?? 'telegram',
    ...(parsed.schema === undefined ? {} : { schema: parsed.schema }),
  });
  return async (ctx, update) => {
    const calls = new DeferredCalls();
    update.holdOn(calls, hold);
    let outcome;
    try {
      outcome = await inbox.processOnce(updateMessageId(update.botId, update.updateId), (trx) => inUpdateTransaction(trx, () => update.next(trx)));
    } catch (error) {
      calls.discard();
      throw error;
    }
    if (outcome.processed) return calls.flush();
    calls.discard();
    await onDuplicate?.(ctx);
  };
}
