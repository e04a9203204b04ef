import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { probeConnection } from '../../src/connection/probe.js';
import { describeUrl } from '../../src/connection/redact.js';
import { startEmbeddedPostgres } from '../../src/embedded/start-embedded.js';

/** Where the test suite's PostgreSQL comes from, and how to stop it afterwards. */
export interface DatabaseSource {
  readonly kind: 'TEST_DATABASE_URL' | 'testcontainers' | 'embedded';
  /** A superuser URL of a maintenance database, from which each test file creates its own. */
  readonly adminUrl: string;
  readonly description: string;
  stop(): Promise<void>;
}

function dockerMayAnswer(): boolean {
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}

async function fromTestcontainers(): Promise<DatabaseSource | undefined> {
  if (!dockerMayAnswer()) return undefined;
  try {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:18-alpine').start();
    const adminUrl = container.getConnectionUri();
    const version = await probeConnection(adminUrl);
    return {
      kind: 'testcontainers',
      adminUrl,
      description: `Testcontainers PostgreSQL ${version} at ${describeUrl(adminUrl)}`,
      stop: async () => void (await container.stop()),
    };
  } catch {
    return undefined; // no Docker engine answered: fall through to the embedded server
  }
}

/**
 * Finds the PostgreSQL the tests run against: `TEST_DATABASE_URL` when set (failing fast when it
 * does not answer), else Testcontainers when a Docker engine answers, else an embedded
 * PostgreSQL started in `tempDir` (which the caller removes).
 */
export async function resolveDatabaseSource(env: NodeJS.ProcessEnv, tempDir: string): Promise<DatabaseSource> {
  const url = env.TEST_DATABASE_URL;
  if (url) {
    const version = await probeConnection(url, { label: 'TEST_DATABASE_URL' });
    return {
      kind: 'TEST_DATABASE_URL',
      adminUrl: url,
      description: `TEST_DATABASE_URL: PostgreSQL ${version} at ${describeUrl(url)}`,
      stop: async () => undefined,
    };
  }
  const container = await fromTestcontainers();
  if (container) return container;
  const embedded = await startEmbeddedPostgres({
    dataDir: join(tempDir, 'embedded-data'),
    persistent: false,
  });
  const version = await probeConnection(embedded.url);
  return {
    kind: 'embedded',
    adminUrl: embedded.url,
    description: `embedded PostgreSQL ${version} at ${describeUrl(embedded.url)}`,
    stop: embedded.stop,
  };
}
