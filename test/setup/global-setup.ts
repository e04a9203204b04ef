import { mkdtempSync } from 'node:fs';
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
    /** A folder for this run only, where test files may leave each other notes. */
    runDir: string;
  }
}

/** Starts (or finds) the test PostgreSQL once per run and hands its URL to every test file. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const source = await resolveDatabaseSource();
  console.log(`[schema-kit tests] database: ${source.description}`);
  project.provide('adminUrl', source.adminUrl);
  project.provide('databaseSource', source.kind);
  project.provide('runDir', mkdtempSync(join(tmpdir(), 'schema-kit-run-')));
  return () => source.stop();
}
