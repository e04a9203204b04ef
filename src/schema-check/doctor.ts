import { sql, type Kysely } from 'kysely';
import { toSchemaKitError } from '../database-errors.js';
import { SchemaKitError, SchemaKitValidationError } from '../errors.js';
import { HOST_TABLE_PRIVILEGES, hostTableName, moduleFunctions, parseHostTables, runtimePrivileges, type HostTable } from '../grants.js';
import { catalogOf } from '../migrate/catalog.js';
import type { ModuleDescriptor } from '../module-descriptor.js';
import { readInstallState } from '../migrate/history.js';
import { planModules } from '../migrate/plan.js';
import { reconcile } from '../migrate/reconcile.js';
import { DEFAULT_SCHEMA, validateSchemaName } from '../migrate/schema-name.js';
import { readLiveManifest, type SchemaManifest, type TableManifest } from './manifest.js';
import { readShippedManifest } from './shipped-manifest.js';

/** What a difference found by {@link checkSchema} is about. */
export type SchemaDifferenceKind =
  | 'module'
  | 'migration'
  | 'table'
  | 'column'
  | 'constraint'
  | 'index'
  | 'trigger'
  | 'function'
  | 'sequence'
  | 'privilege';

/** One way the live database differs from what the package expects. */
export interface SchemaDifference {
  readonly kind: SchemaDifferenceKind;
  /** The object concerned, e.g. `event_log.event_log_reject_update` or `users.email`. */
  readonly object: string;
  /** One line for a person, e.g. `trigger event_log.x is disabled (expected enabled always)`. */
  readonly message: string;
}

/** The answer of {@link checkSchema}. */
export interface SchemaCheckResult {
  readonly schema: string;
  /** The installed modules whose objects were compared. */
  readonly installed: readonly string[];
  /** The role whose privileges were compared, when one was given. */
  readonly role: string | undefined;
  /** True when nothing differs (additions do not count, unless left out of `allowAdditions`). */
  readonly ok: boolean;
  /** What is missing or changed: each fails the check. */
  readonly differences: readonly SchemaDifference[];
  /**
   * What the host added to schema-kit's tables and schema (an index, a trigger, a constraint, a
   * nullable or defaulted column, a function, a sequence): reported, not failing. With
   * `allowAdditions`, only the listed ones are here; the others are differences.
   */
  readonly additions: readonly SchemaDifference[];
}

/** Options of `checkSchema`. */
export interface SchemaCheckOptions {
  /** The schema schema-kit was installed into. Default `'schema_kit'`. */
  readonly schema?: string;
  /** Also compare this runtime role's privileges with what `grantRuntimeAccess` gives. */
  readonly role?: string;
  /** With `role`: the host's tables granted with `grantRuntimeAccess({ alsoTables })`, compared too. */
  readonly alsoTables?: readonly string[];
  /**
   * Make additions explicit: the objects (as {@link SchemaDifference.object} names them, e.g.
   * `'users.users_last_seen_idx'`) the host added on purpose. Given (even empty), an addition not
   * listed is a difference. Default: every addition is reported and none fails.
   */
  readonly allowAdditions?: readonly string[];
}

const PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'] as const;
const TRIGGER_STATE: Record<string, string> = { O: 'enabled', A: 'enabled always', R: 'enabled on replica only', D: 'disabled' };

type Named = { name: string };

/** A difference found, or (`addition`) an object the host added that the package does not ship. */
type Found = SchemaDifference & { readonly addition?: true };

/** An object the package does not ship, found on its tables or in its schema. */
function added(kind: SchemaDifferenceKind, object: string): Found {
  return { kind, object, message: `${kind} ${object} is not in the package's schema`, addition: true };
}

/** Differences between two lists of named objects of one table (or of the schema). */
function compareNamed<T extends Named>(
  kind: SchemaDifferenceKind,
  owner: string,
  expected: readonly T[],
  live: readonly T[],
  describe: (want: T, have: T) => string | undefined,
  isAddition: (have: T) => boolean = () => true,
): Found[] {
  const out: Found[] = [];
  const liveByName = new Map(live.map((item) => [item.name, item]));
  const expectedNames = new Set(expected.map((item) => item.name));
  for (const want of expected) {
    const object = `${owner}${want.name}`;
    const have = liveByName.get(want.name);
    if (!have) out.push({ kind, object, message: `${kind} ${object} is missing` });
    else {
      const change = describe(want, have);
      if (change) out.push({ kind, object, message: `${kind} ${object} ${change}` });
    }
  }
  for (const have of live) {
    if (expectedNames.has(have.name)) continue;
    const extra = added(kind, `${owner}${have.name}`);
    out.push(isAddition(have) ? extra : { kind, object: extra.object, message: `${extra.message}, and is NOT NULL without a default: schema-kit's inserts fail` });
  }
  return out;
}

/** `differs: field (expected X, found Y)` for the first fields that differ, or undefined. */
function fieldChanges<T extends object>(want: T, have: T, fields: readonly (keyof T)[]): string | undefined {
  const changed = fields.filter((f) => JSON.stringify(want[f]) !== JSON.stringify(have[f]));
  if (changed.length === 0) return undefined;
  return `differs: ${changed.map((f) => `${String(f)} is ${JSON.stringify(have[f])}, expected ${JSON.stringify(want[f])}`).join('; ')}`;
}

function compareTable(want: TableManifest, have: TableManifest): Found[] {
  const owner = `${want.name}.`;
  return [
    ...(fieldChanges(want, have, ['kind', 'persistence']) ? [{ kind: 'table' as const, object: want.name, message: `table ${want.name} ${fieldChanges(want, have, ['kind', 'persistence'])}` }] : []),
    ...compareNamed('column', owner, want.columns, have.columns, (w, h) => fieldChanges(w, h, ['type', 'notNull', 'default', 'identity', 'generated']),
      // a host's column is harmless when schema-kit's inserts, which do not name it, still succeed
      (h) => !h.notNull || h.default !== null || h.identity !== null || h.generated !== null),
    ...compareNamed('constraint', owner, want.constraints, have.constraints, (w, h) => fieldChanges(w, h, ['type', 'definition'])),
    ...compareNamed('index', owner, want.indexes, have.indexes, (w, h) => fieldChanges(w, h, ['definition'])),
    ...compareNamed('trigger', owner, want.triggers, have.triggers, (w, h) =>
      w.enabled !== h.enabled
        ? `is ${TRIGGER_STATE[h.enabled] ?? h.enabled} (expected ${TRIGGER_STATE[w.enabled] ?? w.enabled})`
        : fieldChanges(w, h, ['definition'])),
  ];
}

/**
 * The part of `manifest` that belongs to `tables`: those tables, their sequences and the functions
 * they call, without the `foreignTriggers` (those a module not installed puts on them).
 */
function restrict(manifest: SchemaManifest, tables: ReadonlySet<string>, foreignTriggers: ReadonlySet<string> = new Set()): SchemaManifest {
  const kept = manifest.tables
    .filter((t) => tables.has(t.name))
    .map((t) => (t.triggers.some((trigger) => foreignTriggers.has(trigger.name)) ? { ...t, triggers: t.triggers.filter((trigger) => !foreignTriggers.has(trigger.name)) } : t));
  const text = JSON.stringify(kept);
  return {
    tables: kept,
    functions: manifest.functions.filter((f) => text.includes(`.${f.name}(`)),
    sequences: manifest.sequences.filter((s) => s.ownedBy !== null && tables.has(s.ownedBy.split('.')[0] as string)),
  };
}

async function privilegeDifferences(
  db: Kysely<unknown>,
  schema: string,
  role: string,
  modules: readonly ModuleDescriptor[],
  hostTables: readonly HostTable[],
): Promise<SchemaDifference[]> {
  const { rows: found } = await sql<{ superuser: boolean }>`select rolsuper as superuser from pg_roles where rolname = ${role}`.execute(db);
  if (!found[0]) throw new SchemaKitError('not_found', `Role "${role}" does not exist.`);
  const out: SchemaDifference[] = [];
  const privilege = (object: string, message: string): void => void out.push({ kind: 'privilege', object, message: `role "${role}" ${message}` });
  if (found[0].superuser) privilege(role, 'is a superuser: it bypasses every privilege and the append-only triggers can be disabled by it');
  const { rows: usage } = await sql<{ usage: boolean; create: boolean }>`
    select has_schema_privilege(${role}, ${schema}, 'USAGE') as usage, has_schema_privilege(${role}, ${schema}, 'CREATE') as create`.execute(db);
  if (!usage[0]?.usage) privilege(schema, `lacks USAGE on schema ${schema}`);
  if (usage[0]?.create) privilege(schema, `has CREATE on schema ${schema}, which grants does not give`);
  const { rows } = await sql<{ table: string; privilege: string; held: boolean }>`
    select c.relname as table, p.privilege, has_table_privilege(${role}, c.oid, p.privilege) as held
    from pg_class c cross join unnest(${[...PRIVILEGES]}::text[]) as p(privilege)
    where c.relnamespace = (select oid from pg_namespace where nspname = ${schema}) and c.relkind in ('r', 'p')
      and not c.relispartition
    order by 1, array_position(${[...PRIVILEGES]}::text[], p.privilege)`.execute(db);
  // a partition is reached through its parent: a privilege on the partition itself is too much
  const { rows: onPartitions } = await sql<{ table: string; privilege: string }>`
    select c.relname as table, p.privilege
    from pg_class c cross join unnest(${[...PRIVILEGES]}::text[]) as p(privilege)
    where c.relnamespace = (select oid from pg_namespace where nspname = ${schema}) and c.relispartition
      and has_table_privilege(${role}, c.oid, p.privilege)
    order by 1, array_position(${[...PRIVILEGES]}::text[], p.privilege)`.execute(db);
  for (const row of onPartitions) {
    privilege(row.table, `has ${row.privilege} on partition ${row.table}, which grants does not give (the partitioned parent is the way in)`);
  }
  await functionPrivilegeDifferences(db, schema, role, modules, privilege);
  for (const row of rows) {
    const expected = runtimePrivileges(row.table, modules).includes(row.privilege);
    if (row.held && !expected) privilege(`${row.table}`, `has ${row.privilege} on ${row.table}, which grants does not give`);
    if (!row.held && expected) privilege(`${row.table}`, `lacks ${row.privilege} on ${row.table}, which grants gives`);
  }
  for (const target of hostTables) {
    const object = `${target.schema}.${target.table}`;
    const { rows: held } = await sql<{ privilege: string; held: boolean; usage: boolean; create: boolean }>`
      select p.privilege, has_table_privilege(${role}, ${hostTableName(target)}, p.privilege) as held,
             has_schema_privilege(${role}, ${target.schema}, 'USAGE') as usage, has_schema_privilege(${role}, ${target.schema}, 'CREATE') as create
      from unnest(${[...PRIVILEGES]}::text[]) as p(privilege)
      where to_regclass(${hostTableName(target)}) is not null`.execute(db);
    if (held.length === 0) {
      privilege(object, `cannot be checked on ${object}: no such table`);
      continue;
    }
    if (!held[0]!.usage) privilege(target.schema, `lacks USAGE on schema ${target.schema}`);
    if (held[0]!.create) privilege(target.schema, `has CREATE on schema ${target.schema}, which grants does not give`);
    for (const row of held) {
      const expected = HOST_TABLE_PRIVILEGES.includes(row.privilege);
      if (row.held && !expected) privilege(object, `has ${row.privilege} on ${object}, which grants --also does not give`);
      if (!row.held && expected) privilege(object, `lacks ${row.privilege} on ${object}, which grants --also gives`);
    }
  }
  return out;
}

/**
 * The monthly partitions of the expected partitioned tables, each checked against its parent: the
 * triggers the package puts on the parent's DEFAULT partition (cloned onto every partition) are
 * there with the same enabled state, every index of the parent has its partition's index attached,
 * and the partition has no index of its own.
 */
async function partitionDifferences(db: Kysely<unknown>, schema: string, expected: SchemaManifest): Promise<Found[]> {
  const out: Found[] = [];
  const partitioned = expected.tables.filter((t) => t.kind === 'p').map((t) => t.name);
  if (partitioned.length === 0) return out;
  const { rows: partitions } = await sql<{ parent: string; name: string }>`
    select parent.relname as parent, c.relname as name
    from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class parent on parent.oid = i.inhparent
    where parent.relnamespace = ${schema}::regnamespace and parent.relname = any(${partitioned}::text[])
      and c.relkind in ('r', 'p') and c.relname <> parent.relname || '_default'
    order by 1, 2`.execute(db);
  if (partitions.length === 0) return out;
  const names = partitions.map((p) => p.name);
  const { rows: triggers } = await sql<{ table: string; name: string; enabled: string }>`
    select c.relname as table, t.tgname as name, t.tgenabled as enabled
    from pg_trigger t join pg_class c on c.oid = t.tgrelid
    where c.relnamespace = ${schema}::regnamespace and c.relname = any(${names}::text[]) and not t.tgisinternal`.execute(db);
  const { rows: indexes } = await sql<{ table: string; name: string; attached_to: string | null }>`
    select c.relname as table, ic.relname as name, pic.relname as attached_to
    from pg_index x join pg_class c on c.oid = x.indrelid join pg_class ic on ic.oid = x.indexrelid
    left join pg_inherits ii on ii.inhrelid = x.indexrelid left join pg_class pic on pic.oid = ii.inhparent
    where c.relnamespace = ${schema}::regnamespace and c.relname = any(${names}::text[])`.execute(db);
  const { rows: parentIndexes } = await sql<{ table: string; name: string }>`
    select c.relname as table, ic.relname as name
    from pg_index x join pg_class c on c.oid = x.indrelid join pg_class ic on ic.oid = x.indexrelid
    where c.relnamespace = ${schema}::regnamespace and c.relname = any(${partitioned}::text[])`.execute(db);
  const byName = new Map(expected.tables.map((t) => [t.name, t]));
  for (const { parent, name } of partitions) {
    // the parent's triggers are cloned (row) or copied (statement) onto each partition, by name
    const template = byName.get(`${parent}_default`) ?? byName.get(parent);
    const liveTriggers = new Map(triggers.filter((t) => t.table === name).map((t) => [t.name, t]));
    // a trigger reading a transition table stays on the parent: partitions cannot have one
    for (const want of (template?.triggers ?? []).filter((t) => !/ REFERENCING (NEW|OLD) TABLE /.test(t.definition))) {
      const have = liveTriggers.get(want.name);
      const object = `${name}.${want.name}`;
      if (!have) out.push({ kind: 'trigger', object, message: `trigger ${object} is missing (partition of ${parent})` });
      else if (have.enabled !== want.enabled) {
        out.push({ kind: 'trigger', object, message: `trigger ${object} is ${TRIGGER_STATE[have.enabled] ?? have.enabled} (expected ${TRIGGER_STATE[want.enabled] ?? want.enabled})` });
      }
      liveTriggers.delete(want.name);
    }
    for (const extra of liveTriggers.keys()) out.push(added('trigger', `${name}.${extra}`));
    const own = indexes.filter((i) => i.table === name);
    for (const want of parentIndexes.filter((i) => i.table === parent)) {
      if (!own.some((i) => i.attached_to === want.name)) {
        out.push({ kind: 'index', object: `${name}.${want.name}`, message: `index ${want.name} of ${parent} has no index attached on partition ${name}` });
      }
    }
    for (const extra of own.filter((i) => i.attached_to === null)) out.push(added('index', `${name}.${extra.name}`));
  }
  return out;
}

/**
 * The runtime role's EXECUTE privileges on the schema's functions: `create_partitions` granted,
 * the erasure functions all or none (`grants --erasure`), and no other function whose EXECUTE
 * the package revoked from PUBLIC.
 */
async function functionPrivilegeDifferences(
  db: Kysely<unknown>,
  schema: string,
  role: string,
  modules: readonly ModuleDescriptor[],
  privilege: (object: string, message: string) => void,
): Promise<void> {
  const runtime = moduleFunctions(modules, 'runtime');
  const erasureFunctions = moduleFunctions(modules, 'erasure');
  const { rows } = await sql<{ signature: string; held: boolean; public_can: boolean }>`
    select p.proname || '(' || pg_catalog.oidvectortypes(p.proargtypes) || ')' as signature,
           has_function_privilege(${role}, p.oid, 'EXECUTE') as held,
           exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                   where a.grantee = 0 and a.privilege_type = 'EXECUTE') as public_can
    from pg_proc p where p.pronamespace = ${schema}::regnamespace order by 1`.execute(db);
  const erasure = rows.filter((r) => erasureFunctions.includes(r.signature));
  for (const row of rows) {
    if (runtime.includes(row.signature)) {
      if (!row.held) privilege(row.signature, `lacks EXECUTE on ${row.signature}, which grants gives`);
    } else if (erasureFunctions.includes(row.signature)) {
      if (!row.held && erasure.some((r) => r.held)) {
        privilege(row.signature, `lacks EXECUTE on ${row.signature} but holds another erasure function: grants --erasure gives all of them`);
      }
    } else if (row.held && !row.public_can) {
      privilege(row.signature, `has EXECUTE on ${row.signature}, which grants does not give`);
    }
  }
}

/**
 * `checkSchema` for `modules` (descriptors in dependency order): their migrations and the shipped
 * manifest of their tables, and with `role` the privileges their descriptors declare.
 * What the host added (its own index, trigger, nullable column...) is listed in `additions` and
 * does not fail the check, unless `allowAdditions` leaves it out; with `role`, `alsoTables` names
 * the host's tables granted with `alsoTables` (see `GrantOptions.alsoTables`), compared too.
 */
export async function checkModulesSchema(db: Kysely<unknown>, modules: readonly ModuleDescriptor[], options: SchemaCheckOptions = {}): Promise<SchemaCheckResult> {
  const schema = validateSchemaName(options.schema ?? DEFAULT_SCHEMA);
  const role = options.role === undefined ? undefined : validateSchemaName(options.role, 'role');
  const hostTables = parseHostTables(options.alsoTables, schema, 'alsoTables');
  if (options.allowAdditions !== undefined && !(Array.isArray(options.allowAdditions) && options.allowAdditions.every((o) => typeof o === 'string'))) {
    throw new SchemaKitValidationError('allowAdditions', 'must be a list of object names, e.g. users.users_last_seen_idx');
  }
  const plain = db.withoutPlugins();
  const catalog = catalogOf(modules);
  try {
    const state = await readInstallState(plain, schema);
    const plan = planModules(catalog, state, { modules: undefined, add: undefined });
    const differences: Found[] = [];
    if (plan.target.length === 0 || state.intended.size === 0) {
      differences.push({ kind: 'module', object: schema, message: `no schema-kit module is installed in schema "${schema}"` });
    }
    // every intended module is checked: one whose install was cut off shows its missing objects
    const installed = state.intended.size === 0 ? [] : plan.target;
    const { entries, problems } = reconcile(catalog, installed, state.history);
    for (const entry of entries.filter((e) => e.state === 'pending')) {
      differences.push({ kind: 'migration', object: `${entry.module}/${entry.migration}`, message: `migration ${entry.module}/${entry.migration} is pending: run schema-kit migrate` });
    }
    problems.forEach((p) => differences.push({ kind: 'migration', object: `${p.module}/${p.migration}`, message: p.message }));

    const tables = new Set(installed.flatMap((m) => m.migrations.flatMap((migration) => migration.tables)));
    // a trigger only the migrations of modules not installed create (consumers' NOTIFY on audit's
    // event_log) is not expected on the installed tables
    const ownTriggers = new Set(installed.flatMap((m) => m.migrations.flatMap((migration) => migration.triggers)));
    const foreignTriggers = new Set(catalog.flatMap((m) => m.migrations.flatMap((migration) => migration.triggers)).filter((t) => !ownTriggers.has(t)));
    const expected = restrict(readShippedManifest(), tables, foreignTriggers);
    const live = restrict(await readLiveManifest(plain, schema), tables);
    const liveTables = new Map(live.tables.map((t) => [t.name, t]));
    for (const want of expected.tables) {
      const have = liveTables.get(want.name);
      if (!have) differences.push({ kind: 'table', object: want.name, message: `table ${want.name} is missing` });
      else differences.push(...compareTable(want, have));
    }
    differences.push(
      ...compareNamed('function', '', expected.functions, live.functions, (w, h) => fieldChanges(w, h, ['arguments', 'definition'])),
      ...compareNamed('sequence', '', expected.sequences, live.sequences, (w, h) => fieldChanges(w, h, ['type', 'start', 'increment', 'min', 'max', 'cache', 'cycle', 'ownedBy'])),
    );
    differences.push(...(await partitionDifferences(plain, schema, expected)));
    if (role) differences.push(...(await privilegeDifferences(plain, schema, role, modules, hostTables)));
    const allowed = options.allowAdditions && new Set(options.allowAdditions);
    const failing: SchemaDifference[] = [];
    const additions: SchemaDifference[] = [];
    for (const { addition, ...found } of differences) {
      if (!addition) failing.push(found);
      else if (allowed && !allowed.has(found.object)) failing.push({ ...found, message: `${found.message} nor in allowAdditions` });
      else additions.push(found);
    }
    return { schema, installed: plan.installed, role, ok: failing.length === 0, differences: failing, additions };
  } catch (error) {
    throw toSchemaKitError(error);
  }
}
