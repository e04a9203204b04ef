// orders.test.ts (vitest)
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from 'schema-kit/testing';
import { EventLogRepo } from 'schema-kit';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ modules: ['core', 'audit', 'planning'] }); // in-process PGlite
}, 60_000); // the first run on a machine builds PGlite's cache: 4-5 s idle, longer on a busy machine
afterEach(() => t.reset()); // every schema-kit table emptied, the append-only logs included
afterAll(() => t.destroy());

it('audits a new feature', async () => {
  const { feature } = await t.make.projectWithFeature({ feature: { status: 'in_progress' } });
  const { items } = await new EventLogRepo(t.db).listByEntity('feature', feature.id);
  expect(items.map((e) => e.action)).toEqual(['feature.created']);
});
