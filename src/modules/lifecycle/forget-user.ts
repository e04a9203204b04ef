import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { z } from 'zod';
import { SchemaKitValidationError } from '../../errors.js';
import { DEFAULT_SCHEMA, validateSchemaName } from '../../migrate/schema-name.js';
import { inTransaction } from '../../repos/transaction.js';
import type { Database } from '../../schema/database.js';
import { idText, uuid } from '../../validation/common.js';
import { parseInput } from '../../validation/parse.js';
import { waitForOpenTransactions } from './open-transactions.js';
import { lockPartitionMaintenance } from './partitions.js';

/** Options of {@link forgetUser}: who to forget. */
export interface ForgetUserOptions {
  /** The user's `users.id`; their email and external ids are read from the row and forgotten too. */
  readonly userId?: string;
  /** Other identifiers the host wrote to the logs for this user (`'tg:42'`, an email...). */
  readonly identifiers?: readonly string[];
  /** The schema schema-kit was installed into. Default `'schema_kit'`. */
  readonly schema?: string;
}

/** What {@link forgetUser} did. */
export interface ForgetUserResult {
  /** `erased:<uuid>`: what the logs now hold in place of the user (random, linked to nothing). */
  readonly pseudonym: string;
  /** Rows deleted or pseudonymized, per table (tables not installed are absent). */
  readonly rows: Readonly<Record<string, number>>;
}

/** Rows that belong to a user, deleted by {@link forgetUser}, children first. `$user` is the uuid, `$ids` every identifier. */
interface OwnedRows {
  readonly table: string;
  readonly where: (schema: string, user: string | null, ids: readonly string[]) => RawBuilder<unknown>;
}

const byUserId = (table: string): OwnedRows => ({ table, where: (_s, user) => sql`user_id = ${user}::uuid` });
const byConversation = (table: string): OwnedRows => ({
  table,
  where: (schema, user) => sql`conversation_id in (select id from ${sql.id(schema, 'conversations')} where user_id = ${user}::uuid)`,
});

/**
 * Every table holding rows that belong to a user, in delete order. A new table with a `user_id`,
 * or reached from users by a chain of foreign keys, must be listed here or among the
 * pseudonymized logs: the erasure test checks the installed catalog against this list.
 */
export const USER_OWNED_TABLES: readonly OwnedRows[] = Object.freeze([
  byConversation('messages'),
  byConversation('message_tool_calls'),
  byConversation('conversation_summaries'),
  byConversation('conversation_usage'),
  byUserId('dissonance_records'),
  byUserId('conversations'),
  byUserId('user_exercises'),
  byUserId('user_memory'),
  byUserId('user_interests'),
  byUserId('user_achievements'),
  byUserId('interface_evolution_log'),
  byUserId('user_guide_collections'),
  byUserId('broadcast_audience_users'),
  { table: 'user_context', where: (_s, _u, ids) => sql`user_id = any(${[...ids]}::text[])` },
  { table: 'users', where: (_s, user) => sql`id = ${user}::uuid` },
]);

/** The append-only logs, changed only through their sanctioned pseudonymization function. */
export const PSEUDONYMIZED_LOGS: readonly string[] = Object.freeze(['event_log', 'user_role_change_log']);

const optionsSchema = z
  .object({
    userId: uuid.optional(),
    identifiers: z.array(idText(512)).max(100, 'must hold at most 100 identifiers').optional(),
    schema: z.string().optional(),
  })
  .strict()
  .refine((o) => o.userId !== undefined || (o.identifiers?.length ?? 0) > 0, { message: 'needs a userId or at least one identifier', path: ['userId'] });

/**
 * Forgets a user across every installed module: the rows that belong to the
 * user (profile, memory, conversations and their messages, interests, collections...) are deleted;
 * in the append-only logs, the user's identifiers, the free text of their role changes and the
 * event fields declared personal (`EventLogRepo.declarePersonalFields`) become one random pseudonym,
 * through the only path the logs' triggers allow, so the logs keep their rows, order and stream
 * positions. The erasure is recorded in `lifecycle_log` under the pseudonym, with row counts and no
 * personal data. Runs as the owner, or as a runtime role granted it (`grantRuntimeAccess(db, {
 * role, erasure: true })`); without the grant nothing is changed and `permission_denied` is thrown.
 * Complete under concurrent writes, in three steps: it commits the digests of the identifiers
 * (from then on the database refuses, with code `user_forgotten`, a new row of `event_log`,
 * `user_role_change_log` or `user_context` naming one in its identifying columns; bare numbers
 * are not kept), waits for the transactions open in the database at that commit to end (up to
 * 60 s, else a retryable `timeout`: do not call it while your code holds another transaction open),
 * then erases in one transaction. So a write either commits before the erasure reads (and is
 * erased) or is refused. Interrupted, it leaves the identifiers refused and the data in place: run
 * it again. Detached partitions still present are erased too. `db` must not be a transaction. Backups and WAL archives still hold the data until they expire: see
 * docs/lifecycle.md.
 *
 * ### Examples
 * ```ts
 * const { pseudonym, rows } = await forgetUser(db, { userId, identifiers: [`tg:${telegramId}`] });
 * ```
 */
export async function forgetUser<DB>(db: Kysely<DB>, options: ForgetUserOptions): Promise<ForgetUserResult> {
  const parsed = parseInput(optionsSchema, options, 'options');
  const schema = validateSchemaName(parsed.schema ?? DEFAULT_SCHEMA, 'options.schema');
  if (db.isTransaction) {
    throw new SchemaKitValidationError('db', 'must not be a transaction: forgetUser commits its first step on its own (docs/lifecycle.md)');
  }
  const plain = db.withoutPlugins() as unknown as Kysely<Database>;
  const pseudonym = `erased:${randomUUID()}`;
  const user = parsed.userId ?? null;
  // 1. remember the identifiers: from this commit on, a write naming one is refused
  const installed = await inTransaction(plain, async (trx) => {
    const found = await installedTables(trx, schema);
    await sql`select ${sql.id(schema, 'lifecycle_remember_erasure')}(${await identifiersOf(trx, schema, found, user, parsed.identifiers)}::text[])`.execute(trx);
    return found;
  });
  // 2. the writes checked before that commit end, committed (and erased next) or rolled back
  await waitForOpenTransactions(plain, 'forgetUser');
  // 3. erase everything that names the user, in one transaction
  return inTransaction(plain, async (trx) => {
    // rows moving between partitions (createPartitions) would escape the erasure: take turns
    await lockPartitionMaintenance(trx, schema, installed);
    const idList = await identifiersOf(trx, schema, installed, user, parsed.identifiers);
    // an identifier the user gained meanwhile (a new email) is remembered too
    await sql`select ${sql.id(schema, 'lifecycle_remember_erasure')}(${idList}::text[])`.execute(trx);
    const counts: Record<string, number> = {};
    if (installed.has('event_log')) {
      const { rows } = await sql<{ n: string }>`select ${sql.id(schema, 'event_log_pseudonymize')}(${idList}::text[], ${pseudonym}) as n`.execute(trx);
      counts.event_log = Number(rows[0]!.n);
    }
    if (installed.has('user_role_change_log') && user !== null) {
      const { rows } = await sql<{ n: string }>`
        select ${sql.id(schema, 'user_role_change_log_pseudonymize')}(${user}::uuid, ${idList}::text[], ${pseudonym}) as n`.execute(trx);
      counts.user_role_change_log = Number(rows[0]!.n);
    }
    for (const owned of USER_OWNED_TABLES) {
      if (!installed.has(owned.table) || (user === null && owned.table !== 'user_context')) continue;
      const result = await sql`delete from ${sql.id(schema, owned.table)} where ${owned.where(schema, user, idList)}`.execute(trx);
      counts[owned.table] = Number(result.numAffectedRows ?? 0);
    }
    await sql`select ${sql.id(schema, 'record_erasure')}(${pseudonym}, ${JSON.stringify(counts)}::jsonb)`.execute(trx);
    return { pseudonym, rows: counts };
  });
}

/** The tables installed in `schema` (partitions aside); refuses a schema without the lifecycle module. */
async function installedTables(trx: Kysely<Database>, schema: string): Promise<Set<string>> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relkind in ('r', 'p') and not c.relispartition`.execute(trx);
  const installed = new Set(rows.map((t) => t.name));
  if (!installed.has('lifecycle_log')) {
    throw new SchemaKitValidationError('options.schema', `schema ${JSON.stringify(schema)} has no lifecycle module installed: run migrate first`);
  }
  return installed;
}

/** Every identifier of the user: those given, the user's id, and the identities on their `users` row (locked until the transaction ends). */
async function identifiersOf(trx: Kysely<Database>, schema: string, installed: Set<string>, user: string | null, given: readonly string[] = []): Promise<string[]> {
  const ids = new Set(given);
  if (user !== null) {
    ids.add(user);
    if (installed.has('users')) {
      const { rows } = await sql<Record<string, string | null>>`
        select email, telegram_id::text as telegram_id, telegram_username, github_id, google_id
        from ${sql.id(schema, 'users')} where id = ${user}::uuid for update`.execute(trx);
      for (const value of Object.values(rows[0] ?? {})) if (value) ids.add(value);
    }
  }
  return [...ids];
}
