import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cli } from 'kysely-codegen';
import pg from 'pg';
import ts from 'typescript';
import { RUNNER_TABLES } from '../../src/migrate/history.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DATABASE_FILE = join(ROOT, 'src', 'schema', 'database.ts');

/** Options of {@link checkDrift}. */
export interface DriftOptions {
  /** Database tables that `Database` does not describe; default: the runner's history table. */
  ignoreTables?: readonly string[];
}

/**
 * Compares our `Database` interface with what kysely-codegen generates for `schema` in the
 * database at `databaseUrl`: the same tables, the same columns, and per column the same select,
 * insert and update types (so the same nullability and defaults). A string-literal union of ours
 * counts as codegen's `string`; a `GeneratedAlways` column of ours must be a `GENERATED ALWAYS`
 * identity column (codegen calls those `Generated`) or a stored generated column (`GENERATED ALWAYS
 * AS (...) STORED`, which codegen also calls `Generated` and, not reading the expression, nullable).
 */
export async function checkDrift(
  databaseUrl: string,
  schema: string,
  options: DriftOptions = {},
): Promise<{ ok: boolean; report: string }> {
  const ignored = new Set(options.ignoreTables ?? RUNNER_TABLES);
  const generated = await new Cli().generate({
    url: databaseUrl,
    dialect: 'postgres',
    defaultSchemas: [schema],
    includePattern: `${schema}.*`,
    outFile: null,
    logLevel: 'silent',
  });
  const alwaysIdentity = await readGeneratedAlwaysColumns(databaseUrl, schema, 'attidentity');
  const storedGenerated = await readGeneratedAlwaysColumns(databaseUrl, schema, 'attgenerated');

  const cache = join(ROOT, 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(join(cache, 'schema-kit-drift-'));
  try {
    await writeFile(join(dir, 'codegen.ts'), generated);
    const compareFile = join(dir, 'compare.ts');
    await writeFile(compareFile, compareSource(relative(dir, DATABASE_FILE), alwaysIdentity, storedGenerated));
    return inspect(compareFile, ignored);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The `table.column` names of the identity columns (`attidentity`) or stored generated columns (`attgenerated`) that are GENERATED ALWAYS. */
async function readGeneratedAlwaysColumns(databaseUrl: string, schema: string, attribute: 'attidentity' | 'attgenerated'): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname || '.' || a.attname AS name
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND a.${attribute} = $2 AND NOT a.attisdropped`,
      [schema, attribute === 'attidentity' ? 'a' : 's'],
    );
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

function compareSource(databaseImport: string, alwaysIdentity: string[], storedGenerated: string[]): string {
  const importPath = databaseImport.split(sep).join('/').replace(/\.ts$/, '.js');
  const union = (names: string[]) => (names.length ? names.map((c) => JSON.stringify(c)).join(' | ') : 'never');
  const always = union([...alwaysIdentity, ...storedGenerated]);
  return `import type { InsertType, SelectType, UpdateType } from 'kysely';
import type { DB } from './codegen.js';
import type { Database } from '${importPath}';

type Widen<T> = T extends string ? string : T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Differs<A, B, Label extends string> = Same<A, B> extends true ? never : Label;
type AlwaysIdentity = ${always};
type StoredGenerated = ${union(storedGenerated)};

type ColumnDrift<O, D, Name extends string> =
  | (Name extends StoredGenerated
      ? Differs<Widen<SelectType<O>> | null, SelectType<D>, 'select'>
      : Differs<Widen<SelectType<O>>, SelectType<D>, 'select'>)
  | (Name extends AlwaysIdentity
      ? Differs<InsertType<O>, never, 'insert (GENERATED ALWAYS: must be never)'>
        | Differs<UpdateType<O>, never, 'update (GENERATED ALWAYS: must be never)'>
      : Differs<Widen<InsertType<O>>, InsertType<D>, 'insert'>
        | Differs<Widen<UpdateType<O>>, UpdateType<D>, 'update'>);

export type Ours = Database;
export type Theirs = DB;
export type Drift = {
  [T in keyof Ours & keyof Theirs & string]: {
    [C in keyof Ours[T] & keyof Theirs[T] & string]: ColumnDrift<Ours[T][C], Theirs[T][C], \`\${T}.\${C}\`>;
  };
};
`;
}

function inspect(compareFile: string, ignored: ReadonlySet<string>): { ok: boolean; report: string } {
  const program = ts.createProgram([compareFile], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  });
  const problems = ts.getPreEmitDiagnostics(program).map(
    (d) => `type error: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}${d.file ? ` (${d.file.fileName})` : ''}`,
  );
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(compareFile)!;
  const alias = (name: string): ts.TypeAliasDeclaration =>
    source.statements.find((s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === name)!;
  const members = (type: ts.Type, at: ts.Node): Map<string, ts.Type> =>
    new Map(checker.getPropertiesOfType(type).map((p) => [p.name, checker.getTypeOfSymbolAtLocation(p, at)]));
  const at = alias('Drift');
  const ours = members(checker.getTypeAtLocation(alias('Ours').name), at);
  const theirs = members(checker.getTypeAtLocation(alias('Theirs').name), at);
  const drift = members(checker.getTypeAtLocation(at.name), at);

  let columns = 0;
  for (const table of [...new Set([...ours.keys(), ...theirs.keys()])].sort()) {
    const our = ours.get(table);
    const their = theirs.get(table);
    if (!their) problems.push(`${table}: in Database, not in the database`);
    // partitions are reached through their parent table, which Database describes
    if (!our && !ignored.has(table) && !/_(p\d{6}|default)$/.test(table)) problems.push(`${table}: in the database, not in Database`);
    if (!our || !their) continue;
    const ourColumns = members(our, at);
    const theirColumns = members(their, at);
    const tableDrift = members(drift.get(table)!, at);
    for (const column of [...new Set([...ourColumns.keys(), ...theirColumns.keys()])].sort()) {
      const ourType = ourColumns.get(column);
      const theirType = theirColumns.get(column);
      if (!theirType) problems.push(`${table}.${column}: in Database, not in the database`);
      if (!ourType) problems.push(`${table}.${column}: in the database, not in Database`);
      if (!ourType || !theirType) continue;
      columns += 1;
      const labels = literals(tableDrift.get(column)!);
      if (labels.length) {
        problems.push(
          `${table}.${column}: ${labels.join(', ')} type differs: ours ${checker.typeToString(ourType)}, codegen ${checker.typeToString(theirType)}`,
        );
      }
    }
  }
  return problems.length
    ? { ok: false, report: `schema drift (${problems.length}):\n${problems.map((p) => `  - ${p}`).join('\n')}` }
    : { ok: true, report: `no drift: ${ours.size} tables, ${columns} columns compared` };
}

function literals(type: ts.Type): string[] {
  const parts = type.isUnion() ? type.types : [type];
  return parts.filter((t) => t.isStringLiteral()).map((t) => (t as ts.StringLiteralType).value).sort();
}
