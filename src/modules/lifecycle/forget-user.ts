import { traceLifecycle } from '../../observability/channels.js';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { z } from 'zod';
import { SchemaKitError, SchemaKitValidationError } from '../../errors.js';
import { DEFAULT_SCHEMA, validateSchemaName } from '../../migrate/schema-name.js';
import { inTransaction } from '../../repos/transaction.js';
import { idText, uuid } from '../../validation/common.js';
import { parseInput } from '../../validation/parse.js';
import type { ModuleDescriptor, PersonalData } from '../../module-descriptor.js';
import { waitForOpenTransactions } from './open-transactions.js';
import { lockPartitionMaintenance } from './partitions.js';

/** Options of `forgetUser`: who to forget. */
export interface ForgetUserOptions {
  /** The user's `users.id`; their email and external ids are read from the row and forgotten too. */
  readonly userId?: string;
  /** Other identifiers the host wrote to the logs for this user (`'tg:42'`, an email...). */
  readonly identifiers?: readonly string[];
  /** The schema schema-kit was installed into. Default `'schema_kit'`. */
  readonly schema?: string;
}

/** What `forgetUser` did. */
export interface ForgetUserResult {
  /** `erased:<uuid>`: what the logs now hold in place of the user (random, linked to nothing). */
  readonly pseudonym: string;
  /** Rows deleted or pseudonymized, per table (tables not installed are absent). */
  readonly rows: Readonly<Record<string, number>>;
}

/** The rows a personal-data entry reaches of the user `user` (null: known only by `ids`), as a condition on its table. */
export function reached(entry: PersonalData, schema: string, user: string | null, ids: readonly string[]): RawBuilder<unknown> {
  const { reach } = entry;
  switch (reach.by) {
    case 'self':
      return sql`id = ${user}::uuid`;
    case 'user_id':
      return sql`user_id = ${user}::uuid`;
    case 'identifier':
      return sql.join(reach.columns.map((column) => sql`${sql.ref(column)} = any(${[...ids]}::text[])`), sql` or `);
    case 'parent':
      return sql`${sql.ref(reach.column)} in (select id from ${sql.id(schema, reach.table)} where user_id = ${user}::uuid)`;
  }
}

/**
 * The personal data `modules` delete on erasure, in delete order: modules in reverse dependency
 * order, each in the order its descriptor lists them (children before their parents), so the
 * `users` row of core goes last.
 */
export function deletedPersonalData(modules: readonly ModuleDescriptor[]): PersonalData[] {
  return [...modules].reverse().flatMap((m) => m.personalData.filter((p) => p.erasure === 'delete'));
}

/** A SQL function that masks a log of the forgotten user, and what each of its arguments receives. */
export interface Masking {
  readonly table: string;
  readonly name: string;
  /** Per argument, by its declared type: `uuid` the user's id, `text[]` their identifiers, `text` the pseudonym. */
  readonly args: readonly ('uuid' | 'text[]' | 'text')[];
}

/**
 * The logs `modules` mask on erasure (personal data with erasure `mask`), in module order, each
 * with the function its module declares among its erasure functions: `<table>_pseudonymize(...)`,
 * returning the number of rows changed.
 */
export function maskingsOf(modules: readonly ModuleDescriptor[]): Masking[] {
  return modules.flatMap((m) =>
    [...new Set(m.personalData.filter((p) => p.erasure === 'mask').map((p) => p.table))].map((table) => {
      const signature = (m.functions.erasure ?? []).find((s) => s.startsWith(`${table}_pseudonymize(`));
      const [, name, list] = /^(\w+)\((.*)\)$/.exec(signature ?? '') ?? [];
      const args = (list ?? '').split(',').map((a) => a.trim());
      if (!name || !args.every((a): a is Masking['args'][number] => a === 'uuid' || a === 'text[]' || a === 'text')) {
        throw new SchemaKitError('unexpected', `module ${m.name} masks ${table}: its erasure functions must include ${table}_pseudonymize taking uuid, text[] or text arguments`);
      }
      return { table, name, args };
    }),
  );
}

const optionsSchema = z
  .object({
    userId: uuid.optional(),
    identifiers: z.array(idText(512)).max(100, 'must hold at most 100 identifiers').optional(),
    schema: z.string().optional(),
  })
  .strict()
  .refine((o) => o.userId !== undefined || (o.identifiers?.length ?? 0) > 0, { message: 'needs a userId or at least one identifier', path: ['userId'] });

/** `forgetUser` over the personal data that `modules` declare (the public one: schema-kit's modules). */
export async function forgetModulesUser<DB>(db: Kysely<DB>, modules: readonly ModuleDescriptor[], options: ForgetUserOptions): Promise<ForgetUserResult> {
  const parsed = parseInput(optionsSchema, options, 'options');
  const schema = validateSchemaName(parsed.schema ?? DEFAULT_SCHEMA, 'options.schema');
  if (db.isTransaction) {
    throw new SchemaKitValidationError('db', 'must not be a transaction: forgetUser commits its first step on its own (docs/lifecycle.md)');
  }
  // traced without the user's identifiers: the count of rows erased only
  return traceLifecycle('forget', schema, undefined, () => forget(db, modules, parsed, schema), (result) => Object.values(result.rows).reduce((a, b) => a + b, 0));
}

async function forget<DB>(db: Kysely<DB>, modules: readonly ModuleDescriptor[], parsed: z.infer<typeof optionsSchema>, schema: string): Promise<ForgetUserResult> {
  const plain = db.withoutPlugins() as unknown as Kysely<unknown>;
  const pseudonym = `erased:${randomUUID()}`;
  const user = parsed.userId ?? null;
  // 1. remember the identifiers: from this commit on, a write naming one is refused
  const installed = await inTransaction(plain, async (trx) => {
    const found = await installedTables(trx, schema);
    await sql`select ${sql.id(schema, 'lifecycle_remember_erasure')}(${await identifiersOf(trx, schema, modules, found, user, parsed.identifiers)}::text[])`.execute(trx);
    return found;
  });
  // 2. the writes checked before that commit end, committed (and erased next) or rolled back
  await waitForOpenTransactions(plain, 'forgetUser');
  // 3. erase everything that names the user, in one transaction
  return inTransaction(plain, async (trx) => {
    // rows moving between partitions (createPartitions) would escape the erasure: take turns
    await lockPartitionMaintenance(trx, schema, modules, installed);
    const idList = await identifiersOf(trx, schema, modules, installed, user, parsed.identifiers);
    // an identifier the user gained meanwhile (a new email) is remembered too
    await sql`select ${sql.id(schema, 'lifecycle_remember_erasure')}(${idList}::text[])`.execute(trx);
    const counts: Record<string, number> = {};
    const argument = { uuid: sql`${user}::uuid`, 'text[]': sql`${idList}::text[]`, text: sql`${pseudonym}` };
    for (const masking of maskingsOf(modules)) {
      if (!installed.has(masking.table) || (user === null && masking.args.includes('uuid'))) continue;
      const { rows } = await sql<{ n: string }>`
        select ${sql.id(schema, masking.name)}(${sql.join(masking.args.map((a) => argument[a]))}) as n`.execute(trx);
      counts[masking.table] = Number(rows[0]!.n);
    }
    for (const entry of deletedPersonalData(modules)) {
      if (!installed.has(entry.table) || (user === null && entry.reach.by !== 'identifier')) continue;
      const result = await sql`delete from ${sql.id(schema, entry.table)} where ${reached(entry, schema, user, idList)}`.execute(trx);
      counts[entry.table] = Number(result.numAffectedRows ?? 0);
    }
    await sql`select ${sql.id(schema, 'record_erasure')}(${pseudonym}, ${JSON.stringify(counts)}::jsonb)`.execute(trx);
    return { pseudonym, rows: counts };
  });
}

/** The tables installed in `schema` (partitions aside); refuses a schema without the lifecycle module. */
async function installedTables(trx: Kysely<unknown>, schema: string): Promise<Set<string>> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relkind in ('r', 'p') and not c.relispartition`.execute(trx);
  const installed = new Set(rows.map((t) => t.name));
  if (!installed.has('lifecycle_log')) {
    throw new SchemaKitValidationError('options.schema', `schema ${JSON.stringify(schema)} has no lifecycle module installed: run migrate first`);
  }
  return installed;
}

/**
 * Every identifier of the user: those given, the user's id, and the identities on the rows that
 * `modules` reach by `self` (their `identifiers` columns; locked until the transaction ends).
 */
async function identifiersOf(
  trx: Kysely<unknown>,
  schema: string,
  modules: readonly ModuleDescriptor[],
  installed: Set<string>,
  user: string | null,
  given: readonly string[] = [],
): Promise<string[]> {
  const ids = new Set(given);
  if (user !== null) {
    ids.add(user);
    const selves = modules.flatMap((m) => m.personalData).filter((p) => p.reach.by === 'self' && installed.has(p.table) && (p.identifiers?.length ?? 0) > 0);
    for (const self of selves) {
      const { rows } = await sql<Record<string, string | null>>`
        select ${sql.join(self.identifiers!.map((c) => sql`${sql.ref(c)}::text as ${sql.id(c)}`))}
        from ${sql.id(schema, self.table)} where ${reached(self, schema, user, [])} for update`.execute(trx);
      for (const value of Object.values(rows[0] ?? {})) if (value) ids.add(value);
    }
  }
  return [...ids];
}
