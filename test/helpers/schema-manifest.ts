import pg from 'pg';
import { readSchemaManifest as readWith, type ManifestOptions, type SchemaManifest } from '../../src/schema-check/manifest.js';

/** Reads the manifest of `schema` through a pg client, or a client lent by a pool for the duration. */
export async function readSchemaManifest(client: pg.ClientBase | pg.Pool, schema: string, options: ManifestOptions = {}): Promise<SchemaManifest> {
  const session = client instanceof pg.Pool ? await client.connect() : client;
  try {
    return await readWith(async (text, params) => (await session.query(text, [...params])).rows, schema, options);
  } finally {
    if (client instanceof pg.Pool) (session as pg.PoolClient).release();
  }
}
