#!/usr/bin/env node
// Times whole `schema-kit` processes, the way a deploy step or a developer runs them:
//   1. `migrate` of every module on an empty database (a fresh database per run),
//   2. a no-op `migrate` on an up-to-date database,
//   3. for reference, bare Node start-up (`node -e ""`) and `schema-kit --version` (start-up +
//      loading the CLI bundle, kysely and pg).
// Scenarios are interleaved run by run, so a burst of load on the machine hits all of them alike.
//
//   npm run build && npm run bench:migrate [-- --runs 30]
//   BENCH_DATABASE_URL=postgres://user@host:5432/postgres BENCH_RUNS=15 node bench/migrate.bench.mjs
//
// BENCH_DATABASE_URL must name a role allowed to CREATE DATABASE; each database the bench creates
// (sk_bench_<random>) is dropped again.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { admin, adminUrl, urlFor } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
const { values } = parseArgs({ options: { runs: { type: 'string' } } });
const runs = Number(values.runs ?? process.env.BENCH_RUNS ?? 15);

if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number >= 1, got ${values.runs}`);
if (!existsSync(cli)) {
  console.error(`${cli} is missing: run \`npm run build\` first.`);
  process.exit(1);
}


function redact(url) {
  return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
}


async function createDatabase() {
  const name = `sk_bench_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`);
  return { name, url: urlFor(name), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** Runs `node ...args` to completion and returns its wall time in ms; throws on a non-zero exit. */
function timeProcess(args, env = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', SCHEMA_KIT_SCHEMA: '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`node ${args.join(' ')} exited ${code}: ${redact(stderr.trim())}`));
    });
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

const version = (await admin('show server_version')).rows[0].server_version;
const upToDate = await createDatabase();
const scenarios = [
  {
    name: 'migrate, all modules, empty database',
    command: 'schema-kit migrate',
    // a fresh database each run; creating and dropping it is not timed
    async run() {
      const database = await createDatabase();
      try {
        return await timeProcess([cli, 'migrate'], { DATABASE_URL: database.url });
      } finally {
        await database.drop();
      }
    },
  },
  {
    name: 'migrate, up to date (no-op)',
    command: 'schema-kit migrate',
    run: () => timeProcess([cli, 'migrate'], { DATABASE_URL: upToDate.url }),
  },
  {
    name: 'status, up to date',
    command: 'schema-kit status',
    run: () => timeProcess([cli, 'status'], { DATABASE_URL: upToDate.url }),
  },
  { name: 'CLI start-up + module load', command: 'schema-kit --version', run: () => timeProcess([cli, '--version']) },
  { name: 'bare Node start-up', command: 'node -e ""', run: () => timeProcess(['-e', '']) },
];

try {
  await timeProcess([cli, 'migrate'], { DATABASE_URL: upToDate.url });
  for (const scenario of scenarios) await scenario.run(); // warm-up: file cache, server caches
  const times = new Map(scenarios.map((s) => [s, []]));
  const loadBefore = loadavg()[0];
  for (let i = 0; i < runs; i += 1) {
    for (const scenario of scenarios) times.get(scenario).push(await scenario.run());
    process.stderr.write(`\rrun ${i + 1}/${runs}`);
  }
  process.stderr.write('\n');
  const loadAfter = loadavg()[0];

  const fmt = (ms) => ms.toFixed(0);
  const rows = scenarios.map((s) => {
    const sorted = [...times.get(s)].sort((a, b) => a - b);
    return `| ${s.name} | \`${s.command}\` | ${fmt(percentile(sorted, 0.5))} | ${fmt(percentile(sorted, 0.9))} | ${fmt(sorted[0])} |`;
  });
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  console.log(`schema-kit ${pkg.version}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}`);
  console.log(`PostgreSQL ${version} at ${redact(adminUrl)}; ${runs} runs per scenario, interleaved, after one warm-up`);
  console.log(`1-minute load average: ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after\n`);
  console.log('| scenario | command | median ms | p90 ms | min ms |');
  console.log('|---|---|---:|---:|---:|');
  console.log(rows.join('\n'));
} finally {
  await upToDate.drop();
}
