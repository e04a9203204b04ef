import { readFileSync, writeFileSync } from 'node:fs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { MODULES, migrateDown, migrateToLatest, type ModuleName } from '../../src/index.js';
import { useTestDatabase } from '../helpers/database.js';
import { SHIPPED_CATALOG } from '../../src/migrate/catalog.js';
import { checkDrift } from '../helpers/schema-drift.js';
import { readSchemaManifest } from '../helpers/schema-manifest.js';
import { readCheckValueSets, VALUE_SET_COLUMNS } from '../helpers/value-sets.js';

const SNAPSHOT = new URL('../../schema/manifest.json', import.meta.url);

/** The tables each module owns, as DESIGN.md lists them. */
const TABLES: Record<ModuleName, string[]> = {
  lifecycle: ['lifecycle_log'],
  core: ['roles', 'users'],
  audit: ['event_log', 'event_log_personal_fields'],
  idempotency: ['processed_messages'],
  interests: ['content_packages', 'user_interests'],
  roles: ['user_role_change_log'],
  planning: ['features', 'projects', 'releases', 'user_context'],
  learning: ['conversation_summaries', 'conversation_usage', 'conversations', 'exercises', 'message_tool_calls', 'messages', 'user_exercises', 'user_memory'],
  achievements: ['achievements', 'user_achievements'],
  insights: ['dissonance_records', 'interface_evolution_log'],
  telegram: ['broadcasts', 'guides', 'user_guide_collections'],
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
    expect(report).toMatch(/^no drift: 28 tables/);
  }, 180_000); // kysely-codegen and tsc: ~20 s alone, several times that beside the rest of the suite

  it('lists in every CHECK exactly the closed value sets defined in TypeScript', async () => {
    expect((await migrateToLatest(database().db)).error).toBeUndefined();
    expect(await readCheckValueSets(database().pool, 'schema_kit')).toEqual(VALUE_SET_COLUMNS);
  });
});
