import { sql, type Kysely } from 'kysely';
import { toSchemaKitError } from './database-errors.js';
import { RUNNER_TABLES } from './migrate/history.js';
import { DEFAULT_SCHEMA, quoteIdentifier, validateSchemaName } from './migrate/schema-name.js';

/** The tables whose rows are never changed or removed: the runtime role may only read and append. */
export const APPEND_ONLY_TABLES: readonly string[] = Object.freeze(['event_log', 'user_role_change_log']);

/** The table privileges {@link grantRuntimeAccess} gives the runtime role on `table`. */
export function runtimePrivileges(table: string): readonly string[] {
  if (RUNNER_TABLES.includes(table)) return [];
  return APPEND_ONLY_TABLES.includes(table) ? ['SELECT', 'INSERT'] : ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];
}

/** Options of {@link grantRuntimeAccess}. */
export interface GrantOptions {
  /** The existing role (user) your service connects as. Validated as an identifier. */
  readonly role: string;
  /** The schema schema-kit was installed into. Default `'schema_kit'`. */
  readonly schema?: string;
  /** Return the statements without running them. */
  readonly dryRun?: boolean;
}

/**
 * Grants a runtime role exactly what the repositories need on the tables installed in the schema:
 * USAGE on the schema; SELECT and INSERT on the append-only logs; SELECT, INSERT, UPDATE and
 * DELETE on every other table; nothing on the runner's history and modules tables; no DDL (no CREATE on the
 * schema, no ownership). Privileges the role had on the schema's tables are revoked first. Run it as the owner after `migrateToLatest`, and again after installing
 * more modules. Returns the statements it ran.
 *
 * ### Examples
 * ```ts
 * await grantRuntimeAccess(db, { role: 'bot_runtime' });
 * ```
 */
export async function grantRuntimeAccess<DB>(db: Kysely<DB>, options: GrantOptions): Promise<string[]> {
  const role = quoteIdentifier(validateSchemaName(options.role, 'role'));
  const schemaName = validateSchemaName(options.schema ?? DEFAULT_SCHEMA);
  const schema = quoteIdentifier(schemaName);
  const plain = db.withoutPlugins() as Kysely<unknown>;
  try {
    const { rows } = await sql<{ name: string }>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${schemaName} and c.relkind in ('r', 'p') and c.relname <> all(${RUNNER_TABLES}::text[])
      order by 1`.execute(plain);
    const statements = [
      // start from nothing, so the result is exact whatever was granted before
      `REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM ${role}`,
      `REVOKE CREATE ON SCHEMA ${schema} FROM ${role}`,
      `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
    ];
    for (const { name } of rows) {
      statements.push(`GRANT ${runtimePrivileges(name).join(', ')} ON ${schema}.${quoteIdentifier(name)} TO ${role}`);
    }
    if (!options.dryRun) {
      await plain.transaction().execute(async (trx) => {
        for (const statement of statements) await sql.raw(statement).execute(trx);
      });
    }
    return statements;
  } catch (error) {
    throw toSchemaKitError(error);
  }
}
