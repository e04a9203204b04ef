import { readFileSync, writeFileSync } from 'node:fs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { APPEND_ONLY_TABLES, MODULES, migrateDown, migrateToLatest, VOCABULARIES, VOCABULARY_NAMES, type ModuleName } from '../../src/index.js';
import { useTestDatabase } from '../helpers/database.js';
import { SHIPPED_CATALOG } from '../../src/shipped.js';
import { checkDrift } from '../helpers/schema-drift.js';
import { readSchemaManifest } from '../helpers/schema-manifest.js';
import {
  readCheckValueSets,
  readVocabularyForeignKeys,
  readVocabularyRows,
  VALUE_SET_COLUMNS,
  VOCABULARY_SEEDS,
} from '../helpers/value-sets.js';

const SNAPSHOT = new URL('../../schema/manifest.json', import.meta.url);

/** The tables each module owns, as DESIGN.md lists them, with its vocabularies' lookup tables. */
const TABLES: Record<ModuleName, string[]> = {
  lifecycle: ['erased_identifiers', 'lifecycle_log', 'lifecycle_partitioned_logs'],
  core: ['roles', 'skill_levels', 'users'],
  audit: ['event_log', 'event_log_personal_fields'],
  idempotency: ['processed_messages'],
  interests: ['content_categories', 'content_packages', 'package_types', 'user_interests'],
  roles: ['change_sources', 'user_role_change_log'],
  planning: ['features', 'projects', 'releases', 'user_context'],
  learning: [
    'conversation_summaries', 'conversation_usage', 'conversations', 'exercise_difficulties', 'exercise_types', 'exercises',
    'message_tool_calls', 'messages', 'user_exercises', 'user_memory',
  ],
  achievements: ['achievement_categories', 'achievements', 'user_achievements'],
  insights: ['dissonance_records', 'interface_evolution_log', 'risk_levels'],
  telegram: ['broadcast_audience_users', 'broadcast_message_types', 'broadcasts', 'guide_categories', 'guide_difficulty_levels', 'guides', 'telegram_commands', 'user_guide_collections'],
  consumers: ['consumer_checkpoints'],
  sessions: ['sessions'],
};

function withDependencies(name: ModuleName): ModuleName[] {
  const module = MODULES.find((m) => m.name === name)!;
  return [...new Set([...module.dependsOn.flatMap(withDependencies), name])];
}

describe('the schema as installed', () => {
  const database = useTestDatabase();

  it.each(MODULES.map((m) => m.name))('installs module %s alone, with its dependencies', async (name) => {
    const schema = `solo_${name}`;
    const result = await migrateToLatest(database().db, { schema, modules: [name] });
    expect(result.error).toBeUndefined();
    const { rows } = await sql<{ name: string }>`
      select c.relname as name from pg_class c
      where c.relnamespace = ${schema}::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
        and c.relname not in ('schema_kit_migrations', 'schema_kit_modules') order by 1`.execute(database().db);
    expect(rows.map((r) => r.name)).toEqual(withDependencies(name).flatMap((m) => TABLES[m]).sort());
  });

  it('goes up, down and up again to a byte-identical schema', async () => {
    const schema = 'cycle';
    expect((await migrateToLatest(database().db, { schema })).error).toBeUndefined();
    const first = JSON.stringify(await readSchemaManifest(database().pool, schema));
    const down = await migrateDown(database().db, { schema, steps: SHIPPED_CATALOG.reduce((n, m) => n + m.migrations.length, 0) });
    expect(down.error).toBeUndefined();
    expect((await readSchemaManifest(database().pool, schema)).tables).toEqual([]);
    expect((await migrateToLatest(database().db, { schema })).error).toBeUndefined();
    expect(JSON.stringify(await readSchemaManifest(database().pool, schema))).toBe(first);
  });

  it('matches the committed snapshot schema/manifest.json (UPDATE_SCHEMA_MANIFEST=1 rewrites it)', async () => {
    expect((await migrateToLatest(database().db)).error).toBeUndefined();
    const manifest = `${JSON.stringify(await readSchemaManifest(database().pool, 'schema_kit'), null, 2)}\n`;
    if (process.env.UPDATE_SCHEMA_MANIFEST) writeFileSync(SNAPSHOT, manifest);
    expect(manifest, 'the installed schema differs from schema/manifest.json: run `npm run schema:manifest` and review the diff').toBe(
      readFileSync(SNAPSHOT, 'utf8'),
    );
  });

  it('agrees with the exported Kysely types (kysely-codegen drift check)', async () => {
    expect((await migrateToLatest(database().db)).error).toBeUndefined();
    const { ok, report } = await checkDrift(database().url, 'schema_kit');
    expect(ok, report).toBe(true);
    expect(report).toMatch(/^no drift: 45 tables/);
  }, 180_000); // kysely-codegen and tsc: ~20 s alone, several times that beside the rest of the suite

  it('lists in every CHECK exactly the closed value sets defined in TypeScript', async () => {
    expect((await migrateToLatest(database().db)).error).toBeUndefined();
    expect(await readCheckValueSets(database().pool, 'schema_kit')).toEqual(VALUE_SET_COLUMNS);
  });

  it('seeds every host-owned vocabulary with exactly the defaults defined in TypeScript', async () => {
    expect((await migrateToLatest(database().db)).error).toBeUndefined();
    expect(await readVocabularyRows(database().pool, 'schema_kit', Object.keys(VOCABULARY_SEEDS))).toEqual(VOCABULARY_SEEDS);
  });

  it('references each lookup table from exactly the columns the vocabulary registry names (an append-only log by an insert trigger)', async () => {
    expect((await migrateToLatest(database().db)).error).toBeUndefined();
    const guarded = VOCABULARY_NAMES.flatMap((name) => VOCABULARIES[name].columns.map((column) => [column, VOCABULARIES[name].table] as const));
    const isLog = ([column]: readonly [string, string]) => APPEND_ONLY_TABLES.includes(column.split('.')[0]!);
    expect(await readVocabularyForeignKeys(database().pool, 'schema_kit')).toEqual(Object.fromEntries(guarded.filter((g) => !isLog(g)).sort()));
    // the log's column: a BEFORE INSERT trigger, enabled always, on the log (and so on each partition)
    const { rows } = await database().pool.query<{ name: string }>(
      `select c.relname || '.' || t.tgname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid
       where c.relnamespace = 'schema_kit'::regnamespace and t.tgname like '%_check_source' and t.tgenabled = 'A'
         and not c.relispartition order by 1`);
    expect(rows.map((r) => r.name)).toEqual(guarded.filter(isLog).map(([column]) => `${column.split('.')[0]}.${column.split('.')[0]}_check_source`));
  });
});
