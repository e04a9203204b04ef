/**
 * Group commit on createSchemaKit's pool: the settings of a kit, and one coalescer per kind of
 * call, schema and kit, shared by every repository built on the kit's `db` (coalescer.ts holds the rules).
 */
import { z } from 'zod';
import { parseInput } from '../validation/parse.js';
import { Coalescer, type BatchRunner, type CoalescerLimits } from './coalescer.js';
import type { DirectPool } from './direct-pool.js';
import { isInsideHandler } from './handler-guard.js';
import type { PreparedSql } from './prepared.js';
import type { RepoContext } from './repo-context.js';

/** Tuning of group commit (`createSchemaKit({ groupCommit })`; docs/group-commit.md). */
export interface GroupCommitOptions {
  /** The most calls one shared statement carries. Default 64; 1 turns coalescing off. */
  readonly maxBatch?: number;
  /** The most statements of one kind (claim, isProcessed, append, upsertTelegramUser) in flight at once, each on its own connection; calls arriving beyond wait and go out together. Default 2. */
  readonly maxInFlight?: number;
}

/** The defaults of {@link GroupCommitOptions}. */
const DEFAULTS: CoalescerLimits = { maxBatch: 64, maxInFlight: 2 };

const optionsSchema = z.union([
  z.boolean(),
  z
    .object({
      maxBatch: z.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000, 'must be at most 10000').optional(),
      maxInFlight: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').optional(),
    })
    .strict(),
]);

/** A kit's group commit: its limits and its coalescers, by schema and kind of call. */
interface KitGroupCommit {
  readonly limits: CoalescerLimits;
  readonly coalescers: Map<string, Coalescer<never, unknown>>;
}

const kits = new WeakMap<DirectPool, KitGroupCommit>();

/** Validates createSchemaKit's `groupCommit` option and turns group commit on for the kit's pool (default on). */
export function useGroupCommit(pool: DirectPool, option: boolean | GroupCommitOptions | undefined): void {
  const parsed = option === undefined ? true : parseInput(optionsSchema, option, 'options.groupCommit');
  if (parsed === false) return;
  const limits = parsed === true ? DEFAULTS : { maxBatch: parsed.maxBatch ?? DEFAULTS.maxBatch, maxInFlight: parsed.maxInFlight ?? DEFAULTS.maxInFlight };
  if (limits.maxBatch > 1) kits.set(pool, { limits, coalescers: new Map() });
}

/**
 * The coalescer of one kind of call (`kind`, e.g. `'claim'`) for a repository on `ctx`, shared by
 * every repository of the kit on the same schema; undefined where calls are not coalesced: a
 * repository built on a transaction or on a Kysely instance other than createSchemaKit's, or a kit
 * with group commit off. `runner` is asked once per kit, schema and kind (it may prepare the
 * batch's statement then).
 */
export function coalescerFor<I, O>(ctx: RepoContext, kind: string, runner: () => BatchRunner<I, O>): Coalescer<I, O> | undefined {
  const kit = ctx.direct && !ctx.plain.isTransaction ? kits.get(ctx.direct) : undefined;
  if (!kit) return undefined;
  const key = `${ctx.schema}:${ctx.named ? 'named' : 'text'}:${kind}`;
  let coalescer = kit.coalescers.get(key) as Coalescer<I, O> | undefined;
  if (!coalescer) kit.coalescers.set(key, (coalescer = new Coalescer(runner(), kit.limits)) as unknown as Coalescer<never, unknown>);
  return coalescer;
}

/**
 * Runs one call through `coalescer` where it has one, else alone (`alone`: the call without
 * group commit). A call made inside a processOnce handler is never coalesced: it runs alone, and a
 * repository not allowed outside the handler's transaction refuses it as without group commit.
 */
export function coalesced<I, O>(coalescer: Coalescer<I, O> | undefined, input: I, alone: (input: I) => Promise<O>): Promise<O> {
  return coalescer && !isInsideHandler() ? coalescer.submit(input) : alone(input);
}

/** Runs a batch's statement on the kit's pool: the calls it carries were checked one by one when made (the handler guard). */
export function runBatch<R>(ctx: RepoContext, statement: PreparedSql, parameters: readonly unknown[]): Promise<R[]> {
  return statement.run<R>(ctx.plain, parameters, ctx.named, ctx.direct);
}
