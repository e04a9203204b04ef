import pg from 'pg';
import { expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/database.js';
import { awaitNote, leaveNote } from './rendezvous.js';
import { HANG_LIMIT_MS } from '../helpers/wait.js';

/**
 * The body of the two isolation smoke tests: each file creates a table in its own database while
 * the other runs, and proves it cannot see the other's table, which does exist in the other's
 * database.
 */
export function isolationSmokeTest(me: string, other: string): void {
  const database = useTestDatabase();
  it(`file ${me} cannot see the table file ${other} created at the same time`, async () => {
    const { pool, url } = database();
    await pool.query('create table isolation_probe (owner text not null)');
    await pool.query('insert into isolation_probe values ($1)', [me]);
    leaveNote(`created-${me}`, url);

    const otherUrl = await awaitNote(`created-${other}`);
    expect(otherUrl).not.toBe(url);
    const mine = await pool.query<{ owner: string }>('select owner from isolation_probe');
    expect(mine.rows).toEqual([{ owner: me }]);

    const client = new pg.Client({ connectionString: otherUrl });
    await client.connect();
    try {
      const theirs = await client.query<{ owner: string }>('select owner from isolation_probe');
      expect(theirs.rows).toEqual([{ owner: other }]);
    } finally {
      await client.end();
    }
    leaveNote(`read-${me}`, 'done');
    await awaitNote(`read-${other}`); // keep this database until the other file has read it too
  }, 3 * HANG_LIMIT_MS); // two waits for the other file, each under the hang limit
}
