#!/usr/bin/env node
// The upgrade from release 0.1.0 to this checkout while a 0.1.0 host keeps writing (issue 29):
//   1. a database of its own (dropped first): release 0.1.0 installed by its own runner (built
//      from git commit e953d1f, bench/online-upgrade/release.mjs), loaded with a host's data
//      (200k users, 10k conversations of 100 messages, 1M events, and rows in every other table);
//   2. a count and an md5 of every 0.1.0 table over its 0.1.0 columns, `updated_at` included;
//   3. writers on connections of their own, through 0.1.0's repositories (its own SQL), 2 of each
//      kind by default: messages into random conversations, event appends, claims of new ids;
//   4. `migrateToLatest` of this checkout (dist/) while they write, then a few seconds more;
//   5. per migration: its duration, the longest write that overlapped it and the longest gap
//      between two completed writes of one writer, failed writes by SQLSTATE; deadlocks;
//   6. the 0.1.0 rows unchanged (same counts and md5s, the writers' rows left out), and
//      `checkSchema` (the doctor) finding nothing on the upgraded schema that it does not also
//      find on a fresh install of this checkout (a second database).
// Prints a table and one JSON line; exits 1 when a goal is missed (a stall over 1 s, a failed
// write, a deadlock, a failed upgrade, changed data, a schema unlike a fresh install).
//
//   npm run build && npm run bench:upgrade
//   SCALE=0.1 WRITERS=2 BEFORE_MS=5000 AFTER_MS=3000 BENCH_UPGRADE_DB=sk_upgrade_bench npm run bench:upgrade
//
// BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) must name a role allowed
// to CREATE DATABASE. The databases (BENCH_UPGRADE_DB and BENCH_UPGRADE_DB_fresh) are dropped at the
// start of the next run, not at the end: look at them afterwards.
import { loadavg } from 'node:os';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { admin, fmt, loadKit, machine, root, table, tag, urlFor } from './lib.mjs';
import { loadStatements, sizes } from './online-upgrade/load.mjs';
import { loadRelease, RELEASE_COMMIT } from './online-upgrade/release.mjs';
import { checksums, tablesOf } from './online-upgrade/checksums.mjs';
import { startWriters, windowStats } from './online-upgrade/writers.mjs';

const SCHEMA = 'schema_kit';
const GOAL_STALL_MS = 1000;
const scale = Number(process.env.SCALE ?? 1);
const perKind = Number(process.env.WRITERS ?? 2);
const beforeMs = Number(process.env.BEFORE_MS ?? 5000);
const afterMs = Number(process.env.AFTER_MS ?? 3000);
const name = process.env.BENCH_UPGRADE_DB || 'sk_upgrade_bench';
if (!(scale > 0) || !Number.isInteger(perKind) || perKind < 1) throw new Error('SCALE must be > 0 and WRITERS a whole number >= 1');
if (!/^[a-z_][a-z0-9_]{0,50}$/.test(name)) throw new Error(`BENCH_UPGRADE_DB must be a plain lower-case name, got ${name}`);

const log = (line) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const seconds = (ms) => (ms / 1000).toFixed(1);
const S = `"${SCHEMA}"`;

function kysely(url, max) {
  const pool = new pg.Pool({ connectionString: url, max });
  return { pool, db: new Kysely({ dialect: new PostgresDialect({ pool }) }) };
}

async function freshDatabase(database) {
  await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${database}" TEMPLATE template0 ENCODING 'UTF8'`);
  return urlFor(database);
}

async function deadlocks(database) {
  const { rows } = await admin(`select deadlocks from pg_stat_database where datname = '${database}'`);
  return Number(rows[0].deadlocks);
}

const kit = await loadKit();
const release = await loadRelease(root);
const size = sizes(scale);
const started = performance.now();
const loadBefore = loadavg();

// 1. release 0.1.0, loaded
log(`database ${name}: release 0.1.0 (${RELEASE_COMMIT}) at scale ${scale}`);
const url = await freshDatabase(name);
const host = kysely(url, 4);
const installed = await release.migrateToLatest(host.db);
if (installed.error) throw installed.error;
const loadStart = performance.now();
const loads = loadStatements(SCHEMA, size);
await Promise.all(
  [loads.tables, loads.logs].map(async (statements) => {
    for (const [label, text] of statements) {
      const at = performance.now();
      await host.pool.query(text);
      log(`loaded ${label} (${seconds(performance.now() - at)} s)`);
    }
  }),
);
let t = performance.now();
await host.pool.query('vacuum analyze');
log(`vacuum analyze (${seconds(performance.now() - t)} s)`);
const loadMs = performance.now() - loadStart;
log(`loaded in ${seconds(loadMs)} s`);

// 2. the data before
// The writers write into one conversation in ten. Once upgraded, a new message bumps its
// conversation's updated_at (learning/0003's seq trigger updates the conversation row), which is
// the host writing, not the upgrade: those conversations are compared without updated_at.
const conversationIds = (await host.pool.query(`select id from ${S}.conversations order by md5(id::text) limit $1`, [Math.ceil(size.conversations / 10)])).rows.map((r) => r.id);
const written = `'{${conversationIds.join(',')}}'::uuid[]`;
const tables = (await tablesOf(host.pool, SCHEMA)).flatMap((t) =>
  t.table === 'conversations'
    ? [
        { ...t, label: 'conversations', where: `id <> all(${written})` },
        { ...t, label: 'conversations written to, updated_at aside', where: `id = any(${written})`, columns: t.columns.filter((c) => c !== 'updated_at') },
      ]
    : [t],
);
const maxIds = Object.fromEntries(
  await Promise.all(
    ['event_log', 'user_role_change_log'].map(async (t) => [t, (await host.pool.query(`select coalesce(max(id), 0) as id from ${S}."${t}"`)).rows[0].id]),
  ),
);
t = performance.now();
const before = await checksums(host.pool, SCHEMA, tables, maxIds);
log(`checksums of ${tables.length - 1} tables (${seconds(performance.now() - t)} s)`);
const deadlocksBefore = await deadlocks(name);

// 3-4. the writers, the upgrade while they write
const { writers, stop } = startWriters(release, url, conversationIds, { perKind, runTag: tag() });
log(`${writers.length} writers started; upgrade in ${seconds(beforeMs)} s`);
await new Promise((resolve) => setTimeout(resolve, beforeMs));
const migrations = [];
const upgrader = kysely(url, 2);
const upgradeStart = performance.now();
const upgrade = await kit.migrateToLatest(upgrader.db, {
  onProgress({ phase, result, rows, reason }) {
    const at = performance.now();
    if (phase === 'start') migrations.push({ name: `${result.module}/${result.migration}`, start: at, batches: 0, retries: [] });
    else if (phase === 'batch') Object.assign(migrations.at(-1), { batches: migrations.at(-1).batches + 1, rows });
    else if (phase === 'retry') migrations.at(-1).retries.push(reason ?? 'unknown');
    else if (phase === 'end') Object.assign(migrations.at(-1), { end: at, status: result.status });
  },
});
const upgradeEnd = performance.now();
log(`upgrade ${upgrade.error ? `FAILED: ${upgrade.error.message}` : 'done'} in ${seconds(upgradeEnd - upgradeStart)} s`);
await upgrader.db.destroy();
await new Promise((resolve) => setTimeout(resolve, afterMs));
await stop();
const writersEnd = performance.now();

// 5. what the writers saw
const windows = [];
let cursor = upgradeStart;
for (const m of migrations) {
  if (m.start - cursor > 1) windows.push({ name: '(runner: lock, plan, history)', start: cursor, end: m.start });
  windows.push({ ...m, end: m.end ?? upgradeEnd });
  cursor = m.end ?? upgradeEnd;
}
if (upgradeEnd - cursor > 1) windows.push({ name: '(runner: afterMigrate, unlock)', start: cursor, end: upgradeEnd });
const kinds = ['message', 'event', 'claim'];
const seen = (from, to) => {
  const stats = writers.map((w) => ({ kind: w.kind, ...windowStats(w, from, to) }));
  const failures = {};
  for (const s of stats) for (const [code, n] of Object.entries(s.failures)) failures[code] = (failures[code] ?? 0) + n;
  return {
    longestWrite: Object.fromEntries(kinds.map((k) => [k, Math.max(...stats.filter((s) => s.kind === k).map((s) => s.longestWrite))])),
    longestGap: Math.max(...stats.map((s) => s.longestGap)),
    writesPerSec: stats.reduce((n, s) => n + s.completed, 0) / ((to - from) / 1000),
    failures,
  };
};
const perMigration = windows.map((w) => ({
  name: w.name,
  status: w.status ?? '',
  batches: w.batches ?? 0,
  rows: w.rows ?? 0,
  retries: w.retries ?? [],
  durationMs: w.end - w.start,
  ...seen(w.start, w.end),
}));
const retries = perMigration.flatMap((m) => m.retries);
/** The retries of a step, by the database's reason: `2 × deadlock detected`. */
const retryText = (list) =>
  Object.entries(list.reduce((by, reason) => ({ ...by, [reason]: (by[reason] ?? 0) + 1 }), {}))
    .map(([reason, n]) => `${n} × ${reason}`)
    .join('; ') || '0';
const overall = {
  before: seen(upgradeStart - beforeMs, upgradeStart),
  during: seen(upgradeStart, upgradeEnd),
  after: seen(upgradeEnd, writersEnd),
};

// 6. the data after, the schema against a fresh install
t = performance.now();
const after = await checksums(host.pool, SCHEMA, tables, maxIds);
log(`checksums again (${seconds(performance.now() - t)} s)`);
const changedTables = tables
  .map((t) => t.label ?? t.table)
  .filter((table) => after[table].rows !== before[table].rows || after[table].md5 !== before[table].md5);
const changedColumns = (table) => Object.keys(before[table].columns).filter((c) => before[table].columns[c] !== after[table].columns[c]);
const freshUrl = await freshDatabase(`${name}_fresh`);
const fresh = kysely(freshUrl, 2);
const freshInstall = await kit.migrateToLatest(fresh.db);
if (freshInstall.error) throw freshInstall.error;
const doctor = async (db) => {
  const result = await kit.checkSchema(db);
  return [...result.differences, ...result.additions].map((d) => d.message);
};
const freshFindings = await doctor(fresh.db);
const upgradedFindings = await doctor(host.db);
const schemaDiffers = upgradedFindings.filter((f) => !freshFindings.includes(f));
await fresh.db.destroy();
const deadlockCount = (await deadlocks(name)) - deadlocksBefore;
await host.db.destroy();

// the report
const ms = (n) => fmt(n);
const failureText = (failures) => Object.entries(failures).map(([code, n]) => `${n} × ${code}`).join(', ') || '0';
const longest = (s) => Math.max(...Object.values(s.longestWrite));
const failedWrites = Object.values(overall.during.failures).reduce((a, b) => a + b, 0) + Object.values(overall.after.failures).reduce((a, b) => a + b, 0);
const stallMs = Math.max(longest(overall.during), overall.during.longestGap);
const goals = {
  upgraded: !upgrade.error,
  stallUnder1s: stallMs <= GOAL_STALL_MS,
  noFailedWrite: failedWrites === 0,
  noDeadlock: deadlockCount === 0,
  dataIntact: changedTables.length === 0,
  schemaAsFresh: schemaDiffers.length === 0,
};
console.log(`Online upgrade from 0.1.0 (${RELEASE_COMMIT}) to this checkout, scale ${scale}, ${writers.length} writers; ${machine()}`);
console.log(`load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} at start, ${loadavg().map((l) => l.toFixed(1)).join(' ')} at end; data loaded in ${seconds(loadMs)} s`);
console.log(`rows: ${Object.entries(before).map(([k, v]) => `${k} ${fmt(v.rows)}`).join(', ')}\n`);
console.log(
  table(
    ['migration', 'duration ms', 'longest message write ms', 'longest event append ms', 'longest claim ms', 'longest gap between writes ms', 'writes/s', 'failed writes', 'runner retries'],
    [
      ...perMigration,
      { name: '**whole upgrade**', durationMs: upgradeEnd - upgradeStart, retries, ...overall.during },
      { name: 'before (writers alone)', durationMs: beforeMs, retries: [], ...overall.before },
    ].map((m) => [
      `${m.name}${m.status && m.status !== 'Success' ? ` (${m.status})` : ''}${m.batches ? ` (${fmt(m.batches)} batches, ${fmt(m.rows)} done)` : ''}`,
      ms(m.durationMs),
      ...kinds.map((k) => ms(m.longestWrite[k])),
      ms(m.longestGap),
      fmt(m.writesPerSec),
      failureText(m.failures),
      retryText(m.retries),
    ]),
  ),
);
console.log(
  '\nPer migration: the longest time one write of each kind took while it ran (writes clipped to its start and end), ' +
    'the longest time a writer went without completing a write, writes completed per second, failed writes by SQLSTATE.',
);
console.log(`upgrade: ${upgrade.error ? `FAILED (${upgrade.error.code}: ${upgrade.error.message})` : `${upgrade.results.length} migrations applied`}`);
console.log(`deadlocks in the database during the run: ${deadlockCount} (the runner retried after ${retries.filter((r) => /deadlock/i.test(r)).length}); failed writes: ${failedWrites} (after the upgrade: ${failureText(overall.after.failures)})`);
console.log(`data: ${changedTables.length === 0 ? `unchanged in every 0.1.0 table` : `CHANGED in ${changedTables.join(', ')}`}`);
for (const table of changedTables) {
  console.log(`  ${table}: ${fmt(before[table].rows)} rows before, ${fmt(after[table].rows)} after; columns changed: ${changedColumns(table).join(', ') || 'none (rows reordered or swapped)'}`);
}
console.log(`schema: ${schemaDiffers.length === 0 ? 'as a fresh install (checkSchema finds nothing the fresh install does not have)' : `${schemaDiffers.length} differences from a fresh install`}`);
for (const finding of schemaDiffers.slice(0, 20)) console.log(`  ${finding}`);
if (schemaDiffers.length > 20) console.log(`  ... and ${schemaDiffers.length - 20} more (all in the JSON line)`);
if (freshFindings.length) console.log(`  (checkSchema on the fresh install itself: ${freshFindings.length} findings, e.g. ${freshFindings[0]})`);
console.log(`goals: ${Object.entries(goals).map(([k, ok]) => `${k} ${ok ? 'pass' : 'FAIL'}`).join(', ')}; total ${seconds(performance.now() - started)} s`);
console.log(
  JSON.stringify({
    bench: 'online-upgrade',
    scale,
    writers: writers.length,
    loadMs: Math.round(loadMs),
    upgradeMs: Math.round(upgradeEnd - upgradeStart),
    upgradeError: upgrade.error ? { code: upgrade.error.code, message: upgrade.error.message, cause: upgrade.error.cause?.code } : null,
    migrations: perMigration.map((m) => ({
      name: m.name,
      status: m.status,
      ms: Math.round(m.durationMs),
      longestWriteMs: Object.fromEntries(kinds.map((k) => [k, Math.round(m.longestWrite[k])])),
      longestGapMs: Math.round(m.longestGap),
      failures: m.failures,
      retries: m.retries,
      ...(m.batches ? { batches: m.batches, rows: m.rows } : {}),
    })),
    stallMs: Math.round(stallMs),
    writesPerSec: { before: Math.round(overall.before.writesPerSec), during: Math.round(overall.during.writesPerSec), after: Math.round(overall.after.writesPerSec) },
    failedWrites,
    deadlocks: deadlockCount,
    changedTables: Object.fromEntries(changedTables.map((table) => [table, changedColumns(table)])),
    schemaDiffers,
    goals,
  }),
);
process.exitCode = Object.values(goals).every(Boolean) ? 0 : 1;
