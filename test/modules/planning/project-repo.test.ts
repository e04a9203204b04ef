import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { EventLogRepo, SchemaKitConflictError, SchemaKitError, SchemaKitNotFoundError, SchemaKitValidationError } from '../../../src/index.js';
import { ProjectRepo } from '../../../src/modules/planning/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';
import type { TestDatabase } from '../../helpers/database.js';

const count = async (database: TestDatabase, table: 'projects' | 'event_log') =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.id('schema_kit', table)}`.execute(database.db)).rows[0]!.n;

describe('ProjectRepo', () => {
  const database = useInstalledDatabase(['planning', 'audit']);
  const projects = () => new ProjectRepo(database().db);
  const events = () => new EventLogRepo(database().db);

  it('creates a project and logs project.created with its actor, in the same transaction', async () => {
    const project = await projects().create({ name: 'Tutor bot', description: 'teaches' }, { actor: 'tg:42' });
    expect(project).toMatchObject({ name: 'Tutor bot', description: 'teaches', status: 'active' });
    const { items } = await events().listByEntity('project', project.id);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      user_id: 'tg:42', action: 'project.created', entity_type: 'project', entity_id: project.id,
      details: { before: null, after: { name: 'Tutor bot', description: 'teaches', status: 'active' } },
    });
    expect(await projects().get(project.id)).toEqual(project);
    expect(await projects().findByName('Tutor bot')).toEqual(project);
    expect(await projects().get('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('changes the status with before/after in the event', async () => {
    const project = await projects().create({ name: 'Status' }, { actor: 'tg:1' });
    const paused = await projects().setStatus(project.id, 'paused', { actor: 'tg:2' });
    expect(paused.status).toBe('paused');
    const [latest] = (await events().listByEntity('project', project.id)).items;
    expect(latest).toMatchObject({ user_id: 'tg:2', action: 'project.status_changed', details: { before: { status: 'active' }, after: { status: 'paused' } } });
    const before = await count(database(), 'event_log');
    await expect(projects().setStatus('00000000-0000-4000-8000-000000000000', 'paused', { actor: 'tg:2' })).rejects.toBeInstanceOf(SchemaKitNotFoundError);
    expect(await count(database(), 'event_log')).toBe(before);
  });

  it('writes no project when the name is taken, and no event either', async () => {
    await projects().create({ name: 'Taken' }, { actor: 'tg:1' });
    const before = await count(database(), 'event_log');
    const error = await projects().create({ name: 'Taken' }, { actor: 'tg:1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitConflictError);
    expect((error as SchemaKitConflictError).constraint).toBe('projects_name_key');
    expect(await count(database(), 'event_log')).toBe(before);
  });

  it('joins the host transaction: a host rollback undoes the project and its event', async () => {
    const before = [await count(database(), 'projects'), await count(database(), 'event_log')];
    await database().db.transaction().execute(async (trx) => {
      await new ProjectRepo(trx).create({ name: 'Rolled back' }, { actor: 'tg:1' });
      await trx.selectFrom('projects').selectAll().execute();
      throw new Error('host fails');
    }).catch(() => undefined);
    expect([await count(database(), 'projects'), await count(database(), 'event_log')]).toEqual(before);
  });

  it('writes without an event when built with audit: false, and needs no actor then', async () => {
    const before = await count(database(), 'event_log');
    const project = await new ProjectRepo(database().db, { audit: false }).create({ name: 'Quiet' });
    await new ProjectRepo(database().db, { audit: false }).setStatus(project.id, 'archived');
    expect(await count(database(), 'event_log')).toBe(before);
  });

  it('lists every project by name in keyset pages', async () => {
    const repo = new ProjectRepo(database().db, { audit: false });
    for (const name of ['zz-c', 'zz-a', 'zz-e', 'zz-b', 'zz-d']) await repo.create({ name });
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await repo.list({ limit: 2, ...(after ? { after } : {}) });
      seen.push(...page.items.map((p) => p.name));
      after = page.next ?? undefined;
    } while (after);
    expect(seen.filter((n) => n.startsWith('zz-'))).toEqual(['zz-a', 'zz-b', 'zz-c', 'zz-d', 'zz-e']);
    expect(seen).toEqual([...seen].sort());
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const before = [await count(database(), 'projects'), await count(database(), 'event_log')];
    const project = (await projects().findByName('Tutor bot'))!;
    const cases: [() => Promise<unknown>, string][] = [
      [() => projects().create({ name: 'No actor' }), 'options.actor'],
      [() => projects().setStatus(project.id, 'paused'), 'options.actor'],
      [() => projects().create({ name: '' }, { actor: 'a' }), 'project.name'],
      [() => projects().create({ name: 'x'.repeat(201) }, { actor: 'a' }), 'project.name'],
      [() => projects().create({ name: 'ok', status: 'dormant' as never }, { actor: 'a' }), 'project.status'],
      [() => projects().create({ name: 'ok', owner: 'x' } as never, { actor: 'a' }), 'project.owner'],
      [() => projects().create({ name: 'ok' }, { actor: '' }), 'options.actor'],
      [() => projects().setStatus(project.id, 'gone' as never, { actor: 'a' }), 'status'],
      [() => projects().setStatus('nope', 'paused', { actor: 'a' }), 'id'],
      [() => projects().list({ after: 'nope' }), 'options.after'],
      [() => projects().list({ limit: 0 }), 'options.limit'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect(() => new ProjectRepo(database().db, { audit: 'yes' as never })).toThrow(SchemaKitValidationError);
    expect([await count(database(), 'projects'), await count(database(), 'event_log')]).toEqual(before);
    expect((await projects().get(project.id))!.status).toBe(project.status);
  });
});

describe('ProjectRepo without the audit module', () => {
  const database = useInstalledDatabase(['planning']);

  it('says to install audit or pass audit: false, and writes nothing', async () => {
    const error = await new ProjectRepo(database().db).create({ name: 'Needs audit' }, { actor: 'tg:1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitError);
    expect((error as SchemaKitError).code).toBe('audit_not_installed');
    expect(await count(database(), 'projects')).toBe(0);
    expect((await new ProjectRepo(database().db, { audit: false }).create({ name: 'Quiet' })).name).toBe('Quiet');
  });
});
