import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { resolveDatabaseSource } from './database-source.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the test server's maintenance database. */
    adminUrl: string;
    /** Where the server came from: TEST_DATABASE_URL, testcontainers or embedded. */
    databaseSource: string;
    /** A folder for this run only, removed when it ends: test files put every temporary file in it. */
    runDir: string;
  }
}

/**
 * Starts (or finds) the test PostgreSQL once per run and hands its URL to every test file; at the
 * end stops it and removes the run's temporary folder, in which everything temporary lives.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runDir = mkdtempSync(join(tmpdir(), 'schema-kit-run-'));
  chmodSync(runDir, 0o755); // as root, an embedded server runs as postgres and must traverse it
  const source = await resolveDatabaseSource(process.env, runDir);
  console.log(`[schema-kit tests] database: ${source.description}`);
  project.provide('adminUrl', source.adminUrl);
  project.provide('databaseSource', source.kind);
  project.provide('runDir', runDir);
  return async () => {
    await source.stop();
    rmSync(runDir, { recursive: true, force: true });
  };
}
