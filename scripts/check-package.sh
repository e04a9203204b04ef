#!/usr/bin/env bash
# Packs schema-kit and checks it as users get it: publint, arethetypeswrong, and an install into
# an empty project where ESM import, CJS require, the types and the CLI on PATH must all work.
#   bash scripts/check-package.sh [database url]   (with a URL whose user may create databases and
#   roles, also runs test/types/host-fit.ts, built against the packed package)
set -euo pipefail
host_fit_url=${1:-}
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)

# size budget, and no install-time scripts: a user's `npm install` must run nothing of ours, and
# npm 11 warns about any of them, `prepare` included, on every host's install
# issue 15: packed under 200 kB (591 kB before it; 258 kB with the CommonJS copy, which require(esm) made redundant).
# issue 26: readable dist code (no whitespace or syntax minification, +17 kB) and source maps without
# sourcesContent (+38 kB; with the sources inlined the package would pack at about 350 kB) took it
# from 160 to 215 kB; issue 27's typed timeouts and outcomes, bounded retries, the fast path's
# contract, doctor's partition checks and recorded module intent took it to 234 kB; erasure under
# writes, online partitions, the module descriptors and host fit (issues 27, 28, 30) to 265 kB, of
# which the schema manifest is 188 kB unpacked and the index and testing entries share two chunks
# (221 and 110 kB unpacked) that the next size pass should look at; issue 29's online runner took it
# to 272 kB and the migration linter (its rules' messages say the online alternative) to 286 kB;
# issue 29's reshaped migrations (expand, backfill, contract files, length bounds; the SQL ships
# twice, in migrations/ and inlined in dist/) to 303 kB; issues 31-34 (the consumers and sessions
# modules, four entry points: grammy, telegraf, ai-sdk, otel; the diagnostics channels and group
# commit) to 355 kB, each entry its own small file over the shared chunks: the budget is 370 kB
budget=370000
size=$(stat -c %s "$work/$tarball")
if [ "$size" -ge "$budget" ]; then echo "package is $size bytes packed: over the budget of $budget" >&2; exit 1; fi
echo "packed size $size bytes (budget $budget)"
scripts=$(tar -xzOf "$work/$tarball" package/package.json | node -e "
  const s = JSON.parse(require('fs').readFileSync(0, 'utf8')).scripts ?? {};
  console.log(['preinstall', 'install', 'postinstall', 'prepare'].filter((k) => k in s).join(' '))")
if [ -n "$scripts" ]; then echo "the package has install scripts: $scripts" >&2; exit 1; fi
echo "no install scripts"
# no per-call name wrapper: esbuild's keepNames defines `name` on every closure each time it is made
# (0.3 µs apiece, several per hot call); identifiers are not minified, so names stay without it
if tar -xzOf "$work/$tarball" --wildcards 'package/dist/*.js' | grep -q '"name",{value'; then echo "the build wraps closures in keepNames' name helper" >&2; exit 1; fi
echo "no keepNames wrappers"
npx publint --strict "$work/$tarball"
# ESM only: CommonJS hosts require() the ESM build (require(esm), Node ^20.19 || >=22.12; TypeScript
# 5.8+ with module nodenext types it), which attw's node16 profile does not know of
npx attw "$work/$tarball" --profile node16 --ignore-rules cjs-resolves-to-esm

mkdir "$work/app" && cd "$work/app"
npm init -y >/dev/null
npm install --no-audit --no-fund --prefer-offline "$work/$tarball" kysely@0.28 pg @types/pg typescript@~5.9 @types/node@20 >/dev/null
node --input-type=module -e "import('schema-kit').then((m) => { if (typeof m.migrateToLatest !== 'function') throw new Error('ESM: migrateToLatest missing'); console.log('ESM import ok'); })"
node -e "const m = require('schema-kit'); if (typeof m.migrateToLatest !== 'function') throw new Error('CJS: migrateToLatest missing'); console.log('CJS require ok')"
# one copy of schema-kit per process: require() and import give the same module (one SchemaKitError for instanceof)
node -e "import('schema-kit').then((esm) => { if (require('schema-kit').SchemaKitError !== esm.SchemaKitError) throw new Error('require and import load two copies'); console.log('CJS and ESM share one copy'); })"
# schema-kit/testing without its optional peer PGlite: it loads, and asking for PGlite says what to install
node --input-type=module -e "import('schema-kit/testing').then(async (m) => { const e = await m.createTestDatabase().catch((x) => x); if (e?.code !== 'pglite_unavailable') throw new Error('ESM testing: expected pglite_unavailable, got ' + e); console.log('ESM import schema-kit/testing ok (no PGlite: ' + e.code + ')'); })"
node -e "const m = require('schema-kit/testing'); m.createTestDatabase().then(() => { throw new Error('CJS testing: PGlite is not installed'); }, (e) => { if (e.code !== 'pglite_unavailable') throw e; console.log('CJS require schema-kit/testing ok (no PGlite: ' + e.code + ')'); })"
cat > check.mts <<'TS'
import { migrateToLatest, type Database, type MigrationRunResult } from 'schema-kit';
import { createTestDatabase, type TestDatabase } from 'schema-kit/testing';
import type { Kysely } from 'kysely';
export async function run(db: Kysely<Database>): Promise<MigrationRunResult> {
  return migrateToLatest(db, { modules: ['audit'] });
}
export async function testDb(): Promise<TestDatabase> {
  const t = await createTestDatabase({ modules: ['core'] });
  const user = await t.make.user({ name: 'Ada' });
  const name: string | null = user.name;
  void name;
  return t;
}
TS
cat > check.cts <<'TS'
import kit = require('schema-kit');
import testing = require('schema-kit/testing');
export const names: readonly kit.ModuleName[] = kit.MODULE_NAMES;
export const make: (db: kit.Executor) => testing.Factories = testing.createFactories;
TS
npx tsc --noEmit --strict --module nodenext --moduleResolution nodenext --skipLibCheck false check.mts check.cts
echo "types resolve (ESM and CJS, schema-kit and schema-kit/testing)"
# schema-kit/otel with its optional peer @opentelemetry/api: ESM import, CJS require (one copy of the
# channels' names with schema-kit), and its types from ESM and CJS
npm install --no-audit --no-fund --prefer-offline @opentelemetry/api@1 >/dev/null
node --input-type=module -e "import('schema-kit/otel').then((m) => { const off = m.instrumentSchemaKit(); off(); console.log('ESM import schema-kit/otel ok'); })"
node -e "const m = require('schema-kit/otel'); m.instrumentSchemaKit()(); if (require('schema-kit').REPO_CHANNEL !== 'schema-kit:repo') throw new Error('CJS: REPO_CHANNEL'); console.log('CJS require schema-kit/otel ok')"
cat > check-otel.mts <<'TS'
import { instrumentSchemaKit, type InstrumentSchemaKitOptions } from 'schema-kit/otel';
import { REPO_CHANNEL, type RepoCallMessage } from 'schema-kit';
import { trace } from '@opentelemetry/api';
import { tracingChannel } from 'node:diagnostics_channel';
const options: InstrumentSchemaKitOptions = { tracerProvider: trace.getTracerProvider() };
export const uninstall: () => void = instrumentSchemaKit(options);
export const calls = tracingChannel<unknown, RepoCallMessage>(REPO_CHANNEL);
TS
cat > check-otel.cts <<'TS'
import otel = require('schema-kit/otel');
export const install: (options?: otel.InstrumentSchemaKitOptions) => () => void = otel.instrumentSchemaKit;
TS
npx tsc --noEmit --strict --module nodenext --moduleResolution nodenext --skipLibCheck false check-otel.mts check-otel.cts
echo "schema-kit/otel types resolve (ESM and CJS)"
# with PGlite installed, the kit gives a migrated in-process database from ESM and from CJS
npm install --no-audit --no-fund --prefer-offline @electric-sql/pglite >/dev/null
kit_check='async (m) => { const t = await m.createTestDatabase({ modules: ["core"], cache: false }); const u = await t.make.user(); await t.reset(); const n = await t.db.withSchema("schema_kit").selectFrom("users").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow(); await t.destroy(); if (!u.id || Number(n.n) !== 0) throw new Error("testing kit on PGlite failed"); }'
node --input-type=module -e "import('schema-kit/testing').then($kit_check).then(() => console.log('ESM schema-kit/testing on PGlite ok'))"
node -e "Promise.resolve(require('schema-kit/testing')).then($kit_check).then(() => console.log('CJS schema-kit/testing on PGlite ok'))"
# schema-kit/grammy and schema-kit/telegraf, once the host has installed their optional peers
# (schema-kit itself imports neither: the checks above ran without them)
# (@types/node-fetch: grammY's own declarations import node-fetch's types, checked here with skipLibCheck off)
npm install --no-audit --no-fund --prefer-offline grammy@1 telegraf@4 @types/node-fetch@2 >/dev/null
node --input-type=module -e "Promise.all([import('schema-kit/grammy'), import('schema-kit/telegraf')]).then(([g, t]) => { for (const f of [g.sessionStorage, g.exactlyOnce, g.pruneExpiredSessions, t.sessionStore, t.exactlyOnce, t.pruneExpiredSessions]) if (typeof f !== 'function') throw new Error('ESM: a bots entry is incomplete'); console.log('ESM import schema-kit/grammy and schema-kit/telegraf ok'); })"
node -e "const g = require('schema-kit/grammy'), t = require('schema-kit/telegraf'); if (typeof g.exactlyOnce !== 'function' || typeof t.sessionStore !== 'function') throw new Error('CJS: a bots entry is incomplete'); console.log('CJS require schema-kit/grammy and schema-kit/telegraf ok')"
cat > bots.mts <<'TS'
import { Bot, session, type Context, type SessionFlavor } from 'grammy';
import { Telegraf, session as telegrafSession, type Context as TelegrafContext } from 'telegraf';
import type { Kysely } from 'kysely';
import type { Database } from 'schema-kit';
import { exactlyOnce, sessionStorage, type ExactlyOnceFlavor } from 'schema-kit/grammy';
import { exactlyOnce as telegrafExactlyOnce, sessionStore, type ExactlyOnceContext } from 'schema-kit/telegraf';
type MyContext = Context & ExactlyOnceFlavor<Database> & SessionFlavor<{ count: number }>;
export function grammyBot(db: Kysely<Database>): Bot<MyContext> {
  const bot = new Bot<MyContext>('1:token');
  bot.use(exactlyOnce(db));
  bot.use(session({ initial: () => ({ count: 0 }), storage: sessionStorage<{ count: number }>(db, { ttl: 86_400_000 }) }));
  bot.on('message', async (ctx) => {
    ctx.session.count += 1;
    await ctx.trx.selectFrom('sessions').select('key').execute();
    await ctx.reply(String(ctx.session.count));
  });
  return bot;
}
interface MyTelegrafContext extends TelegrafContext, ExactlyOnceContext<Database> {
  session: { count: number };
}
export function telegrafBot(db: Kysely<Database>): Telegraf<MyTelegrafContext> {
  const bot = new Telegraf<MyTelegrafContext>('1:token');
  bot.use(telegrafExactlyOnce(db));
  bot.use(telegrafSession({ store: sessionStore<{ count: number }>(db), defaultSession: () => ({ count: 0 }) }));
  bot.on('text', (ctx) => ctx.reply(String((ctx.session.count += 1))));
  return bot;
}
TS
cat > bots.cts <<'TS'
import grammy = require('schema-kit/grammy');
import telegraf = require('schema-kit/telegraf');
export const prune: typeof grammy.pruneExpiredSessions = telegraf.pruneExpiredSessions;
TS
npx tsc --noEmit --strict --module nodenext --moduleResolution nodenext --skipLibCheck false bots.mts bots.cts
echo "types resolve (ESM and CJS, schema-kit/grammy and schema-kit/telegraf)"
# schema-kit/ai-sdk with its optional peer `ai` installed: imported from ESM and CJS (one copy of the
# library with the main entry), and typed against the AI SDK's own UIMessage and ModelMessage
# (the AI SDK's own .d.ts import json-schema's types: checked with --skipLibCheck false, they need @types/json-schema)
npm install --no-audit --no-fund --prefer-offline ai@6 zod @types/json-schema >/dev/null
ai_check='(m) => { for (const f of ["saveUIMessages", "loadUIMessages", "recordUsage", "contextWindow"]) if (typeof m[f] !== "function") throw new Error("ai-sdk: " + f + " missing"); }'
node --input-type=module -e "import('schema-kit/ai-sdk').then($ai_check).then(() => console.log('ESM import schema-kit/ai-sdk ok'))"
node -e "Promise.resolve(require('schema-kit/ai-sdk')).then($ai_check).then(() => console.log('CJS require schema-kit/ai-sdk ok'))"
cat > check-ai.mts <<'TS'
import type { ModelMessage, UIMessage } from 'ai';
import type { Database } from 'schema-kit';
import { contextWindow, loadUIMessages, recordUsage, saveUIMessages, type SaveUIMessagesResult } from 'schema-kit/ai-sdk';
import type { Kysely } from 'kysely';
export async function turn(db: Kysely<Database>, id: string, messages: UIMessage[]): Promise<ModelMessage[]> {
  const saved: SaveUIMessagesResult = await saveUIMessages(db, id, messages);
  void saved;
  const loaded: UIMessage[] = await loadUIMessages(db, id);
  void loaded;
  await recordUsage(db, id, { usage: { inputTokens: 1, outputTokens: 2 }, response: { modelId: 'm' } });
  return contextWindow(db, id, { maxTokens: 8000 });
}
TS
cat > check-ai.cts <<'TS'
import ai = require('schema-kit/ai-sdk');
export const save: typeof ai.saveUIMessages = ai.saveUIMessages;
TS
npx tsc --noEmit --strict --module nodenext --moduleResolution nodenext --skipLibCheck false check-ai.mts check-ai.cts
echo "types resolve (ESM and CJS, schema-kit/ai-sdk)"
# a host with its own tables and types: its Kysely and transactions go into every repository, and
# its README service compiles, with --strict and no casts
npm pkg set type=module >/dev/null
cp "$root/test/types/host-repositories.ts" "$root/test/types/in-your-service.ts" "$root/test/types/host-fit.ts" .
npx tsc --noEmit --strict --target es2022 --module nodenext --moduleResolution nodenext --skipLibCheck false host-repositories.ts in-your-service.ts host-fit.ts
echo "host types compile (tsc --strict, no casts)"
# issue 30's host, on the packed package: built as the host builds it, run on the database given
if [ -n "$host_fit_url" ]; then
  npx tsc --strict --target es2022 --module nodenext --moduleResolution nodenext --skipLibCheck false --outDir host-fit-out host-fit.ts
  DATABASE_URL="$host_fit_url" node host-fit-out/host-fit.js > host-fit.out
  diff -u "$root/test/types/host-fit.expected.txt" host-fit.out
  echo "host-fit runs (every item of issue 30, kysely 0.28, Node $(node --version))"
fi
npx --no-install schema-kit --version
echo "CLI on PATH ok"
# doctor reads schema/manifest.json from the installed package (ESM and CJS find it alike)
node -e "const { readFileSync } = require('fs'); JSON.parse(readFileSync(require.resolve('schema-kit/package.json').replace(/package\\.json$/, 'schema/manifest.json'), 'utf8')); console.log('manifest shipped')"
