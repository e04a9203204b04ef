import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { EventLogRepo, SchemaKitConflictError, SchemaKitValidationError } from '../../../src/index.js';
import { ProjectRepo } from '../../../src/modules/planning/index.js';
import { UserContextRepo } from '../../../src/modules/planning/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';

describe('UserContextRepo', () => {
  const database = useInstalledDatabase(['planning', 'audit']);
  const contexts = () => new UserContextRepo(database().db);
  const newProject = async (name: string) => new ProjectRepo(database().db, { audit: false }).create({ name });
  const count = async () => (await sql<{ n: number }>`select count(*)::int as n from schema_kit.user_context`.execute(database().db)).rows[0]!.n;

  it('resolves nothing before a project is set, then the active project; set is an upsert and logged', async () => {
    const [a, b] = [await newProject('ctx-a'), await newProject('ctx-b')];
    expect(await contexts().get('tg:42')).toBeUndefined();
    expect(await contexts().activeProject('tg:42')).toBeUndefined();
    expect((await contexts().set('tg:42', a.id, { actor: 'tg:42' })).active_project_id).toBe(a.id);
    expect(await contexts().activeProject('tg:42')).toEqual(a);
    await contexts().set('tg:42', b.id, { actor: 'tg:42' });
    expect((await contexts().activeProject('tg:42'))?.name).toBe('ctx-b');
    await contexts().set('tg:42', null, { actor: 'admin' });
    expect(await contexts().get('tg:42')).toMatchObject({ user_id: 'tg:42', active_project_id: null });
    expect(await contexts().activeProject('tg:42')).toBeUndefined();

    const log = (await new EventLogRepo(database().db).listByEntity('user_context', 'tg:42', { order: 'asc' })).items;
    expect(log.map((e) => [e.user_id, e.action, e.details])).toEqual([
      ['tg:42', 'user_context.active_project_set', { before: null, after: { active_project_id: a.id } }],
      ['tg:42', 'user_context.active_project_set', { before: { active_project_id: a.id }, after: { active_project_id: b.id } }],
      ['admin', 'user_context.active_project_set', { before: { active_project_id: b.id }, after: { active_project_id: null } }],
    ]);
  });

  it('keeps one context per user under concurrent sets, each event chaining from the previous one', async () => {
    const projects = await Promise.all(Array.from({ length: 5 }, (_, i) => newProject(`ctx-race-${i}`)));
    const results = await Promise.all(projects.map((p) => contexts().set('tg:race', p.id, { actor: 'tg:race' })));
    expect(new Set(results.map((r) => r.user_id))).toEqual(new Set(['tg:race']));
    const final = await contexts().get('tg:race');
    expect(projects.map((p) => p.id)).toContain(final!.active_project_id);
    const log = (await new EventLogRepo(database().db).listByEntity('user_context', 'tg:race', { order: 'asc' })).items;
    const steps = log.map((e) => e.details as { before: { active_project_id: string } | null; after: { active_project_id: string } });
    expect(steps).toHaveLength(5);
    expect(steps[0]!.before).toBeNull();
    for (let i = 1; i < steps.length; i += 1) expect(steps[i]!.before).toEqual(steps[i - 1]!.after);
    expect(steps.at(-1)!.after).toEqual({ active_project_id: final!.active_project_id });
  });

  it('forgets a deleted project (ON DELETE SET NULL) and refuses an unknown one', async () => {
    const gone = await newProject('ctx-gone');
    await contexts().set('tg:gone', gone.id, { actor: 'tg:gone' });
    await database().db.withSchema('schema_kit').deleteFrom('projects').where('id', '=', gone.id).execute();
    expect(await contexts().activeProject('tg:gone')).toBeUndefined();
    const error = await contexts().set('tg:gone', gone.id, { actor: 'tg:gone' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitConflictError);
    expect((error as SchemaKitConflictError).constraint).toBe('user_context_active_project_id_fkey');
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const project = await newProject('ctx-bad');
    const before = await count();
    const cases: [() => Promise<unknown>, string][] = [
      [() => contexts().set('tg:bad', project.id), 'options.actor'],
      [() => contexts().set('', project.id, { actor: 'a' }), 'userId'],
      [() => contexts().set('u'.repeat(513), project.id, { actor: 'a' }), 'userId'],
      [() => contexts().set('tg:bad', 'ctx-bad', { actor: 'a' }), 'projectId'],
      [() => contexts().set('tg:bad', project.id, { actor: 'a', reason: 'x' } as never), 'options.reason'],
      [() => contexts().get(42 as never), 'userId'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect(await count()).toBe(before);
  });
});
