import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { EventLogRepo, SchemaKitConflictError, SchemaKitNotFoundError, SchemaKitValidationError } from '../../../src/index.js';
import { ProjectRepo } from '../../../src/modules/planning/index.js';
import { ReleaseRepo } from '../../../src/modules/planning/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';

describe('ReleaseRepo', () => {
  const database = useInstalledDatabase(['planning', 'audit']);
  const releases = () => new ReleaseRepo(database().db);
  const newProject = async (name: string) => (await new ProjectRepo(database().db, { audit: false }).create({ name })).id;
  const count = async () => (await sql<{ n: number }>`select count(*)::int as n from schema_kit.releases`.execute(database().db)).rows[0]!.n;
  const eventCount = async () => (await sql<{ n: number }>`select count(*)::int as n from schema_kit.event_log`.execute(database().db)).rows[0]!.n;

  it('creates a release with a target day and logs it', async () => {
    const project_id = await newProject('r-create');
    const release = await releases().create({ project_id, version: '1.0.0', target_date: '2026-03-01' }, { actor: 'tg:7' });
    expect(release).toMatchObject({ project_id, version: '1.0.0', status: 'planned' });
    const day = (await sql<{ d: string }>`select target_date::text as d from schema_kit.releases where id = ${release.id}`.execute(database().db)).rows[0]!.d;
    expect(day).toBe('2026-03-01');
    const fromDate = await releases().create({ project_id, version: '1.1.0', target_date: new Date('2026-04-02T23:30:00Z') }, { actor: 'tg:7' });
    expect((await sql<{ d: string }>`select target_date::text as d from schema_kit.releases where id = ${fromDate.id}`.execute(database().db)).rows[0]!.d).toBe('2026-04-02');
    const [event] = (await new EventLogRepo(database().db).listByEntity('release', release.id)).items;
    expect(event).toMatchObject({ user_id: 'tg:7', action: 'release.created', details: { before: null, after: { project_id, version: '1.0.0', target_date: '2026-03-01', status: 'planned' } } });
    expect(await releases().get(release.id)).toEqual(release);
  });

  it('changes the status with before/after, and refuses unknown releases', async () => {
    const project_id = await newProject('r-status');
    const release = await releases().create({ project_id, version: '2.0' }, { actor: 'tg:7' });
    expect((await releases().setStatus(release.id, 'released', { actor: 'tg:8' })).status).toBe('released');
    const [event] = (await new EventLogRepo(database().db).listByEntity('release', release.id)).items;
    expect(event).toMatchObject({ user_id: 'tg:8', action: 'release.status_changed', details: { before: { status: 'planned' }, after: { status: 'released' } } });
    await expect(releases().setStatus('00000000-0000-4000-8000-000000000000', 'released', { actor: 'tg:8' })).rejects.toBeInstanceOf(SchemaKitNotFoundError);
  });

  it('refuses a version taken in the project, and an unknown project', async () => {
    const project_id = await newProject('r-unique');
    await releases().create({ project_id, version: 'v1' }, { actor: 'a' });
    await expect(releases().create({ project_id, version: 'v1' }, { actor: 'a' })).rejects.toMatchObject({ constraint: 'releases_project_id_version_key' });
    const other = await newProject('r-unique-2');
    expect((await releases().create({ project_id: other, version: 'v1' }, { actor: 'a' })).version).toBe('v1');
    const error = await releases().create({ project_id: '00000000-0000-4000-8000-000000000000', version: 'v1' }, { actor: 'a' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitConflictError);
    expect((error as SchemaKitConflictError).constraint).toBe('releases_project_id_fkey');
  });

  it("pages a project's releases, newest first", async () => {
    const project_id = await newProject('r-pages');
    const repo = new ReleaseRepo(database().db, { audit: false });
    // one transaction: every row gets the same created_at, so the id orders them
    const created = await database().db.transaction().execute(async (trx) => {
      const inTrx = new ReleaseRepo(trx, { audit: false });
      const rows = [];
      for (let i = 0; i < 7; i += 1) rows.push(await inTrx.create({ project_id, version: `v${i}` }));
      return rows;
    });
    const first = await repo.listByProject(project_id, { limit: 3 });
    const second = await repo.listByProject(project_id, { limit: 3, after: first.next! });
    const third = await repo.listByProject(project_id, { limit: 3, after: second.next! });
    const seen = [...first.items, ...second.items, ...third.items].map((r) => r.id);
    expect(seen).toEqual(created.map((r) => r.id).sort().reverse());
    expect(third.next).toBeNull();
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const project_id = await newProject('r-bad');
    const before = [await count(), await eventCount()];
    const cases: [() => Promise<unknown>, string][] = [
      [() => releases().create({ project_id, version: 'v1' }), 'options.actor'],
      [() => releases().create({ project_id: 'p1', version: 'v1' }, { actor: 'a' }), 'release.project_id'],
      [() => releases().create({ project_id, version: '' }, { actor: 'a' }), 'release.version'],
      [() => releases().create({ project_id, version: 'v'.repeat(129) }, { actor: 'a' }), 'release.version'],
      [() => releases().create({ project_id, version: 'v1', target_date: '2026-02-31x' }, { actor: 'a' }), 'release.target_date'],
      [() => releases().create({ project_id, version: 'v1', target_date: new Date('nope') }, { actor: 'a' }), 'release.target_date'],
      [() => releases().create({ project_id, version: 'v1', status: 'shipped' as never }, { actor: 'a' }), 'release.status'],
      [() => releases().setStatus(project_id, 'done' as never, { actor: 'a' }), 'status'],
      [() => releases().listByProject(project_id, { limit: 1001 }), 'options.limit'],
      [() => releases().listByProject('x'), 'projectId'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect([await count(), await eventCount()]).toEqual(before);
  });
});
