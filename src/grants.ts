import { sql, type Kysely } from 'kysely';
import { toSchemaKitError } from './database-errors.js';
import { SchemaKitError, SchemaKitValidationError } from './errors.js';
import { RUNNER_TABLES } from './migrate/history.js';
import { DEFAULT_SCHEMA, quoteIdentifier, validateSchemaName } from './migrate/schema-name.js';
import type { FunctionPrivileges, ModuleDescriptor, TableAccess } from './module-descriptor.js';

const PRIVILEGES: Readonly<Record<TableAccess, readonly string[]>> = Object.freeze({
  read: ['SELECT'],
  append: ['SELECT', 'INSERT'],
  write: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  none: [],
});

/** The table privileges the runtime role gets on `table`: what the module creating it declares
 * (a table no module declares: read and write), none on the runner's own tables. */
export function runtimePrivileges(table: string, modules: readonly ModuleDescriptor[]): readonly string[] {
  if (RUNNER_TABLES.includes(table)) return [];
  return PRIVILEGES[modules.find((m) => Object.hasOwn(m.tables, table))?.tables[table]?.runtime ?? 'write'];
}

/** Functions of `modules` a runtime role may always run (`runtime`), or only when granted erasure. */
export function moduleFunctions(modules: readonly ModuleDescriptor[], kind: keyof FunctionPrivileges): readonly string[] {
  return modules.flatMap((m) => m.functions[kind] ?? []);
}

/** The table privileges {@link grantRuntimeAccess} gives the runtime role on each of the host's
 * tables named in `alsoTables` (and USAGE on their schemas and on their serial sequences). */
export const HOST_TABLE_PRIVILEGES: readonly string[] = Object.freeze(['SELECT', 'INSERT', 'UPDATE', 'DELETE']);

/** A host table of `alsoTables`: its schema and name, validated as identifiers. */
export interface HostTable {
  readonly schema: string;
  readonly table: string;
}

/** Validates `alsoTables` (schema-qualified names, `'public.orders'`, outside schema-kit's schema); `field` names the list. */
export function parseHostTables(names: unknown, kitSchema: string, field: string): HostTable[] {
  if (names === undefined) return [];
  if (!Array.isArray(names)) throw new SchemaKitValidationError(field, 'must be a list of schema-qualified table names, e.g. public.orders');
  return names.map((name: unknown, i) => {
    const parts = typeof name === 'string' ? name.split('.') : [];
    if (parts.length !== 2) throw new SchemaKitValidationError(`${field}.${i}`, `${JSON.stringify(name)} must be schema-qualified, e.g. public.orders`);
    const [schema, table] = [validateSchemaName(parts[0], `${field}.${i}`), validateSchemaName(parts[1], `${field}.${i}`)];
    if (schema === kitSchema) throw new SchemaKitValidationError(`${field}.${i}`, `${name} is in schema-kit's schema, whose tables are granted already`);
    return { schema, table };
  });
}

/** `"schema"."table"` of a host table. */
export function hostTableName(t: HostTable): string {
  return `${quoteIdentifier(t.schema)}.${quoteIdentifier(t.table)}`;
}

/** Options of {@link grantRuntimeAccess}. */
export interface GrantOptions {
  /** The existing role (user) your service connects as. Validated as an identifier. */
  readonly role: string;
  /** The schema schema-kit was installed into. Default `'schema_kit'`. */
  readonly schema?: string;
  /** Return the statements without running them. */
  readonly dryRun?: boolean;
  /** Also let the role forget users (`forgetUser`): EXECUTE on the logs' pseudonymization functions. Default false. */
  readonly erasure?: boolean;
  /**
   * When PUBLIC may CREATE in the schema (the `public` schema before PostgreSQL 15, or after
   * `GRANT CREATE ON SCHEMA ... TO PUBLIC`), every role could still create tables, views and
   * functions there. By default `grantRuntimeAccess` then refuses; `true` closes it instead, with
   * `REVOKE CREATE ON SCHEMA ... FROM PUBLIC` (which also applies to every other role relying on it).
   */
  readonly revokePublicCreate?: boolean;
  /**
   * The host's own tables (or views) to grant with the same rules, schema-qualified
   * (`['public.orders']`): SELECT, INSERT, UPDATE and DELETE, USAGE on their schemas and on the
   * sequences of their serial columns, nothing else (their privileges revoked first), and refused
   * like schema-kit's when the role could CREATE in their schema.
   */
  readonly alsoTables?: readonly string[];
}

/**
 * {@link grantRuntimeAccess} for the tables and functions `modules` declare (their descriptors'
 * `tables` and `functions`). Returns the statements it ran.
 */
export async function grantModulesAccess(db: Kysely<unknown>, modules: readonly ModuleDescriptor[], options: GrantOptions): Promise<string[]> {
  const role = quoteIdentifier(validateSchemaName(options.role, 'role'));
  const schemaName = validateSchemaName(options.schema ?? DEFAULT_SCHEMA);
  const schema = quoteIdentifier(schemaName);
  const plain = db.withoutPlugins();
  const erasureFunctions = moduleFunctions(modules, 'erasure');
  const hostTables = parseHostTables(options.alsoTables, schemaName, 'alsoTables');
  try {
    const hostStatements = await hostTableStatements(plain, hostTables, role);
    const { rows } = await sql<{ name: string }>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${schemaName} and c.relkind in ('r', 'p') and c.relname <> all(${RUNNER_TABLES}::text[])
        and not c.relispartition and c.relname !~ '_(old|detached)$'
      order by 1`.execute(plain);
    const { rows: functions } = await sql<{ signature: string }>`
      select p.proname || '(' || pg_catalog.oidvectortypes(p.proargtypes) || ')' as signature
      from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
      where n.nspname = ${schemaName}`.execute(plain);
    const installed = new Set(functions.map((f) => f.signature));
    const statements = [
      ...(options.revokePublicCreate ? [`REVOKE CREATE ON SCHEMA ${schema} FROM PUBLIC`] : []),
      // start from nothing, so the result is exact whatever was granted before
      `REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM ${role}`,
      `REVOKE CREATE ON SCHEMA ${schema} FROM ${role}`,
      ...erasureFunctions.filter((f) => installed.has(f)).map((f) => `REVOKE EXECUTE ON FUNCTION ${schema}.${f} FROM ${role}`),
      `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
    ];
    for (const { name } of rows) {
      const privileges = runtimePrivileges(name, modules);
      if (privileges.length > 0) statements.push(`GRANT ${privileges.join(', ')} ON ${schema}.${quoteIdentifier(name)} TO ${role}`);
    }
    for (const f of [...moduleFunctions(modules, 'runtime'), ...(options.erasure ? erasureFunctions : [])]) {
      if (installed.has(f)) statements.push(`GRANT EXECUTE ON FUNCTION ${schema}.${f} TO ${role}`);
    }
    statements.push(...hostStatements);
    // run in a transaction even for a dry run, rolled back: the check sees the result of the grants
    await plain
      .transaction()
      .execute(async (trx) => {
        // concurrent GRANTs on one object fail with "tuple concurrently updated": replicas
        // granting at the same start-up take turns instead
        await sql`select pg_advisory_xact_lock(hashtext(${`schema_kit.grants:${schemaName}`}))`.execute(trx);
        for (const statement of statements) await sql.raw(statement).execute(trx);
        for (const target of new Set([schemaName, ...hostTables.map((t) => t.schema)])) await refuseRemainingCreate(trx, options.role, target);
        if (options.dryRun) throw DRY_RUN;
      })
      .catch((error: unknown) => {
        if (error !== DRY_RUN) throw error;
      });
    return statements;
  } catch (error) {
    throw toSchemaKitError(error);
  }
}

const DRY_RUN = Symbol('dry run');

/** The statements that grant the host's tables: each must exist (a SchemaKitValidationError names
 * the missing one); their privileges are revoked first, then granted as {@link HOST_TABLE_PRIVILEGES}. */
async function hostTableStatements(db: Kysely<unknown>, tables: readonly HostTable[], role: string): Promise<string[]> {
  const statements: string[] = [];
  for (const [i, target] of tables.entries()) {
    const { rows } = await sql<{ sequences: string[] | null }>`
      select (select json_agg(quote_ident(sn.nspname) || '.' || quote_ident(s.relname))
              from pg_catalog.pg_depend d join pg_catalog.pg_class s on s.oid = d.objid and s.relkind = 'S'
              join pg_catalog.pg_namespace sn on sn.oid = s.relnamespace
              where d.refobjid = c.oid and d.classid = 'pg_class'::regclass and d.deptype = 'a') as sequences
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${target.schema} and c.relname = ${target.table} and c.relkind in ('r', 'p', 'v', 'm', 'f')`.execute(db);
    if (!rows[0]) throw new SchemaKitValidationError(`alsoTables.${i}`, `no table ${target.schema}.${target.table}`);
    const name = hostTableName(target);
    statements.push(
      `REVOKE ALL ON ${name} FROM ${role}`,
      `GRANT USAGE ON SCHEMA ${quoteIdentifier(target.schema)} TO ${role}`,
      `GRANT ${HOST_TABLE_PRIVILEGES.join(', ')} ON ${name} TO ${role}`,
      ...(rows[0].sequences ?? []).map((sequence) => `GRANT USAGE ON SEQUENCE ${sequence} TO ${role}`),
    );
  }
  return statements;
}

/** Throws when `role` may still CREATE in `schema`, saying through what. */
async function refuseRemainingCreate(db: Kysely<unknown>, role: string, schema: string): Promise<void> {
  const { rows } = await sql<{ can: boolean; public_can: boolean; owner: string }>`
    select has_schema_privilege(${role}, n.oid, 'CREATE') as can,
           exists (select 1 from aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a where a.grantee = 0 and a.privilege_type = 'CREATE') as public_can,
           pg_get_userbyid(n.nspowner) as owner
    from pg_namespace n where n.nspname = ${schema}`.execute(db);
  const state = rows[0];
  if (!state?.can) return;
  const target = quoteIdentifier(schema);
  const why = state.public_can
    ? `PUBLIC may CREATE in schema ${target}, so every role can create tables, views and functions there. Run \`REVOKE CREATE ON SCHEMA ${target} FROM PUBLIC\` as its owner (or pass revokePublicCreate: true)`
    : `role "${role}" may CREATE in schema ${target} as its owner (${state.owner}) or through a role it is a member of. Connect your service as a role that neither owns the schema nor belongs to one that may create there`;
  throw new SchemaKitError('runtime_may_create', `Cannot grant least privilege: ${why}. Nothing was granted.`);
}
