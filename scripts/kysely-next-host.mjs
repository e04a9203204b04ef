// A host on the next Kysely (0.29, which needs Node 22), run by scripts/check-kysely-next.sh from
// a project that installed the packed schema-kit: the hot statements run named on its pool (pg
// holds them in pg_prepared_statements) and join its transaction (rolled back with it), on the
// host's own Kysely and on createSchemaKit's (which runs them on the pool itself outside a
// transaction, and refuses them once destroyed).
//   node kysely-next-host.mjs <admin database url>
import { readFileSync } from 'node:fs';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { EventLogRepo, ProcessedMessageRepo, SchemaKitError, createSchemaKit, migrateToLatest } from 'schema-kit';

// kysely does not export its package.json: read the installed one
const { version } = JSON.parse(readFileSync(new URL('node_modules/kysely/package.json', import.meta.url), 'utf8'));
if (!version.startsWith('0.29.')) throw new Error(`expected kysely 0.29, found ${version}`);
const adminUrl = new URL(process.argv[2]);
const name = `sk_kysely_next_${process.pid}`;
const admin = new pg.Client({ connectionString: adminUrl.href });
await admin.connect();
await admin.query(`create database "${name}"`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
// one connection: the statement the repository prepared is on the connection that is asked
const pool = new pg.Pool({ connectionString: url.href, max: 1 });
// pool.end() resolves before its client's connection has closed: the forced drop at the end may
// terminate it, which an idle client reports as an 'error' on the pool
pool.on('error', () => undefined);
// a host's logger relies on Kysely's type: `query.sql` is the SQL text
const notText = [];
const db = new Kysely({
  dialect: new PostgresDialect({ pool }),
  log: (event) => {
    if (typeof event.query.sql !== 'string') notText.push(typeof event.query.sql);
  },
});
const fail = (message) => {
  throw new Error(`kysely ${version}: ${message}`);
};
try {
  await migrateToLatest(db, { modules: ['audit', 'idempotency'] });
  const inbox = new ProcessedMessageRepo(db);
  if (!(await inbox.claim('m1')) || (await inbox.claim('m1'))) fail('claim is not exactly once');
  const { rows } = await sql`select name from pg_prepared_statements where name like 'schema_kit_%'`.execute(db);
  if (rows.length !== 1) fail(`claim left ${rows.length} named statements, not 1`);
  await db
    .transaction()
    .execute(async (trx) => {
      if (!(await new ProcessedMessageRepo(trx).claim('m2'))) fail('claim in the host transaction');
      await new EventLogRepo(trx).append({ action: 'a', entity_type: 'e', entity_id: '1' });
      throw new Error('roll back');
    })
    .catch((error) => {
      if (error.message !== 'roll back') throw error;
    });
  if (!(await inbox.claim('m2'))) fail('a claim rolled back with the host transaction was kept');
  if (notText.length > 0) fail(`the host's log saw query.sql as ${notText.join(', ')}, not a string`);
  if ((await new EventLogRepo(db).listByEntity('e', '1')).items.length !== 0) fail('an append rolled back with the host transaction was kept');

  const kitPool = new pg.Pool({ connectionString: url.href, max: 1 });
  const kit = createSchemaKit({ pool: kitPool });
  try {
    if (!(await kit.processedMessages.claim('k1'))) fail('createSchemaKit: a first claim was refused');
    // after the probe, the hot statements on the kit's own Kysely skip its executor: count its calls
    const executor = Object.getPrototypeOf(kit.db.getExecutor());
    const executeQuery = executor.executeQuery;
    let throughKysely = 0;
    executor.executeQuery = function (...args) {
      throughKysely++;
      return executeQuery.apply(this, args);
    };
    try {
      if (await kit.processedMessages.claim('k1')) fail('createSchemaKit: claim is not exactly once');
      await kit.events.append({ action: 'a', entity_type: 'e', entity_id: 'k1' });
    } finally {
      executor.executeQuery = executeQuery;
    }
    if (throughKysely !== 0) fail(`createSchemaKit: ${throughKysely} hot statements went through Kysely's executor, not the pool`);
    const named = await kitPool.query("select name from pg_prepared_statements where name like 'schema_kit_%'");
    if (named.rows.length !== 2) fail(`createSchemaKit: claim and append left ${named.rows.length} named statements, not 2`);
    const rolledBack = await kit.db
      .transaction()
      .execute(async (trx) => {
        await new ProcessedMessageRepo(trx).claim('k2');
        throw new Error('roll back');
      })
      .catch((error) => error.message === 'roll back');
    if (!rolledBack || !(await kit.processedMessages.claim('k2'))) fail("createSchemaKit: a claim rolled back with its Kysely's transaction was kept");
    await kit.destroy();
    const refused = await kit.processedMessages.claim('k3').catch((error) => error);
    if (!(refused instanceof SchemaKitError)) fail(`createSchemaKit: a claim after destroy() was not refused with a SchemaKitError: ${refused}`);
  } finally {
    await kit.destroy();
    await kitPool.end();
  }
  console.log(`kysely ${version} on Node ${process.versions.node}: named statements and the host's transaction ok, on its Kysely and createSchemaKit's`);
} finally {
  await db.destroy();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
}
