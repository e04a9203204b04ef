import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { ProcessedMessageRepo } from '../modules/idempotency/index.js';
import { consumerSchema } from '../modules/idempotency/validation.js';
import { parseInput } from '../validation/parse.js';
import { DeferredCalls } from './deferred-calls.js';
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
export function exactlyOnceOptions(options: unknown): ExactlyOnceOptions {
  return parseInput(optionsSchema, options, 'options');
}

/** The message id an update is claimed under: its bot's id and its `update_id` (update ids are per bot). */
export function updateMessageId(botId: number, updateId: number): string {
  return `bot:${botId}:update:${updateId}`;
}

/** What a framework's middleware asks of {@link handleOnce}. */
export interface UpdateHandling<DB> {
  readonly botId: number;
  readonly updateId: number;
  /** The calls held for this update. */
  readonly calls: DeferredCalls;
  /** Runs the rest of the middleware with the update's transaction. */
  readonly next: (trx: Transaction<DB>) => Promise<void>;
}

/** The repository an `exactlyOnce` middleware claims updates with. */
export function updateInbox<DB>(db: Kysely<DB>, options: ExactlyOnceOptions): ProcessedMessageRepo<DB> {
  return new ProcessedMessageRepo(db, {
    consumer: options.consumer ?? 'telegram',
    ...(options.schema === undefined ? {} : { schema: options.schema }),
  });
}

/**
 * Claims the update and runs the rest of the middleware in one transaction (`processOnce`), then
 * sends the calls it held: true when it ran, false for an update claimed before (nothing runs, nothing
 * is sent). A throw rolls the claim back, drops the held calls and is rethrown.
 */
export async function handleOnce<DB>(inbox: ProcessedMessageRepo<DB>, update: UpdateHandling<DB>): Promise<boolean> {
  let outcome;
  try {
    outcome = await inbox.processOnce(updateMessageId(update.botId, update.updateId), (trx) =>
      inUpdateTransaction(trx, () => update.next(trx)),
    );
  } catch (error) {
    update.calls.discard();
    throw error;
  }
  if (!outcome.processed) {
    update.calls.discard();
    return false;
  }
  await update.calls.flush();
  return true;
}
