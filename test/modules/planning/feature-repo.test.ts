import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { EventLogRepo, SchemaKitConflictError, SchemaKitNotFoundError, SchemaKitValidationError } from '../../../src/index.js';
import { FeatureRepo } from '../../../src/modules/planning/index.js';
import { ProjectRepo } from '../../../src/modules/planning/index.js';
import { ReleaseRepo } from '../../../src/modules/planning/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';
import { nextClockTick } from '../../helpers/target.js';

describe('FeatureRepo', () => {
  const database = useInstalledDatabase(['planning', 'audit']);
  const features = () => new FeatureRepo(database().db);
  const history = async (id: string) => (await new EventLogRepo(database().db).listByEntity('feature', id, { order: 'asc' })).items;
  const newProject = async (name: string) => (await new ProjectRepo(database().db, { audit: false }).create({ name })).id;
  const newRelease = async (project_id: string, version: string) => (await new ReleaseRepo(database().db, { audit: false }).create({ project_id, version })).id;
  const count = async () => (await sql<{ n: number }>`select count(*)::int as n from schema_kit.features`.execute(database().db)).rows[0]!.n;
  const eventCount = async () => (await sql<{ n: number }>`select count(*)::int as n from schema_kit.event_log`.execute(database().db)).rows[0]!.n;

  it('creates, changes status with a reason and assigns a release, each change answering "what changed?"', async () => {
    const project_id = await newProject('f-flow');
    const release = await newRelease(project_id, 'v1');
    const feature = await features().create({ project_id, name: 'Voice input', assigned_teams: ['speech', 'bot'], assigned_po: 'ana' }, { actor: 'tg:1' });
    expect(feature).toMatchObject({ status: 'backlog', status_reason: null, release_id: null, assigned_teams: ['speech', 'bot'] });
    const blocked = await features().setStatus(feature.id, 'blocked', { actor: 'tg:2', reason: 'waiting for the speech API' });
    expect(blocked).toMatchObject({ status: 'blocked', status_reason: 'waiting for the speech API' });
    const planned = await features().assignRelease(feature.id, release, { actor: 'tg:3' });
    expect(planned.release_id).toBe(release);
    const unplanned = await features().assignRelease(feature.id, null, { actor: 'tg:3' });
    expect(unplanned.release_id).toBeNull();
    expect((await features().setStatus(feature.id, 'in_progress', { actor: 'tg:2' })).status_reason).toBeNull();

    expect((await history(feature.id)).map((e) => [e.user_id, e.action, e.details])).toEqual([
      ['tg:1', 'feature.created', { before: null, after: { project_id, name: 'Voice input', description: null, status: 'backlog', status_reason: null, assigned_teams: ['speech', 'bot'], assigned_po: 'ana' } }],
      ['tg:2', 'feature.status_changed', { before: { status: 'backlog', status_reason: null }, after: { status: 'blocked', status_reason: 'waiting for the speech API' } }],
      ['tg:3', 'feature.release_assigned', { before: { release_id: null }, after: { release_id: release } }],
      ['tg:3', 'feature.release_assigned', { before: { release_id: release }, after: { release_id: null } }],
      ['tg:2', 'feature.status_changed', { before: { status: 'blocked', status_reason: 'waiting for the speech API' }, after: { status: 'in_progress', status_reason: null } }],
    ]);
    expect(await features().get(feature.id)).toMatchObject({ status: 'in_progress', release_id: null });
  });

  it("refuses another project's release, an unknown release or feature, writing nothing", async () => {
    const project_id = await newProject('f-assign');
    const foreign = await newRelease(await newProject('f-assign-other'), 'v9');
    const feature = await features().create({ project_id, name: 'Guarded' }, { actor: 'tg:1' });
    const before = await eventCount();
    await expect(features().assignRelease(feature.id, foreign, { actor: 'tg:1' })).rejects.toBeInstanceOf(SchemaKitConflictError);
    await expect(features().assignRelease(feature.id, '00000000-0000-4000-8000-000000000000', { actor: 'tg:1' })).rejects.toMatchObject({ table: 'releases' });
    await expect(features().assignRelease('00000000-0000-4000-8000-000000000000', null, { actor: 'tg:1' })).rejects.toMatchObject({ table: 'features' });
    await expect(new FeatureRepo(database().db, { audit: false }).assignRelease(feature.id, foreign)).rejects.toBeInstanceOf(SchemaKitConflictError);
    await expect(features().setStatus('00000000-0000-4000-8000-000000000000', 'done', { actor: 'tg:1' })).rejects.toBeInstanceOf(SchemaKitNotFoundError);
    expect(await eventCount()).toBe(before);
    expect((await features().get(feature.id))!.release_id).toBeNull();
  });

  it("pages a project's features newest first, optionally of one status", async () => {
    const project_id = await newProject('f-pages');
    const repo = new FeatureRepo(database().db, { audit: false });
    const created = [];
    for (let i = 0; i < 9; i += 1) {
      created.push(await repo.create({ project_id, name: `f${i}`, status: i % 3 === 0 ? 'done' : 'backlog' }));
      await nextClockTick();
    }
    const seen = [];
    let after: string | null = null;
    do {
      const page = await repo.listByProject(project_id, { limit: 4, ...(after ? { after } : {}) });
      seen.push(...page.items.map((f) => f.name));
      after = page.next;
    } while (after);
    expect(seen).toEqual(created.map((f) => f.name).reverse());
    const done = await repo.listByProject(project_id, { status: 'done', limit: 2 });
    const rest = await repo.listByProject(project_id, { status: 'done', limit: 2, after: done.next! });
    expect([...done.items, ...rest.items].map((f) => f.name)).toEqual(['f6', 'f3', 'f0']);
    expect(rest.next).toBeNull();
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const project_id = await newProject('f-bad');
    const feature = await features().create({ project_id, name: 'Target' }, { actor: 'tg:1' });
    const before = [await count(), await eventCount()];
    const cases: [() => Promise<unknown>, string][] = [
      [() => features().create({ project_id, name: 'x' }), 'options.actor'],
      [() => features().create({ project_id, name: 'x', assigned_teams: ['ok', ''] }, { actor: 'a' }), 'feature.assigned_teams.1'],
      [() => features().create({ project_id, name: 'x', assigned_po: 'p'.repeat(101) }, { actor: 'a' }), 'feature.assigned_po'],
      [() => features().create({ project_id, name: 'x', release_id: project_id } as never, { actor: 'a' }), 'feature.release_id'],
      [() => features().setStatus(feature.id, 'blocked', { actor: 'a', reason: 'r\u0000' }), 'options.reason'],
      [() => features().setStatus(feature.id, 'stuck' as never, { actor: 'a' }), 'status'],
      [() => features().setStatus(feature.id, 'done'), 'options.actor'],
      [() => features().assignRelease(feature.id, 'v1', { actor: 'a' }), 'releaseId'],
      [() => features().assignRelease(feature.id, undefined as never, { actor: 'a' }), 'releaseId'],
      [() => features().listByProject(project_id, { status: 'nope' as never }), 'options.status'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect([await count(), await eventCount()]).toEqual(before);
    expect(await features().get(feature.id)).toMatchObject({ status: 'backlog', status_reason: null });
  });
});
