import type { ModuleName } from '../../src/index.js';
import { migrateToLatest } from '../../src/index.js';
import { beforeAll } from 'vitest';
import { useTestDatabase, type TestDatabase } from './database.js';

/** A fresh database for this test file with the given modules installed in schema `schema_kit`. */
export function useInstalledDatabase(modules: readonly ModuleName[]): () => TestDatabase {
  const database = useTestDatabase();
  beforeAll(async () => {
    const { error } = await migrateToLatest(database().db, { modules });
    if (error) throw error;
  });
  return database;
}

/** Inserts a user (core module) and returns its id. */
export async function createUser(database: TestDatabase, fields: { role?: string; email?: string } = {}): Promise<string> {
  const row = await database.db
    .withSchema('schema_kit')
    .insertInto('users')
    .values({ role: 'public', ...fields })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
