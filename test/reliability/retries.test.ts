import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { RoleRepo, SchemaKitError } from '../../src/index.js';
import { AGAIN, RETRY_ATTEMPTS, withRetries } from '../../src/repos/retry.js';
import { useInstalledDatabase } from '../helpers/installed.js';
import { waitFor } from '../helpers/wait.js';

/** One bounded retry policy (issue 27, item 14): no call retries without end. */
describe('retries are bounded', () => {
  it('a try that keeps losing ends in a retryable contention error after RETRY_ATTEMPTS tries', async () => {
    let tries = 0;
    const error = await withRetries('test', async () => {
      tries++;
      return AGAIN;
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitError);
    expect(error).toMatchObject({ code: 'contention', retryable: true });
    expect(tries).toBe(RETRY_ATTEMPTS);
  });

  it('only errors the caller names as a lost race are retried; the last one is thrown when tries run out', async () => {
    const lost = new Error('lost race');
    const other = new Error('permanent');
    let tries = 0;
    await expect(
      withRetries('test', async () => {
        tries++;
        throw other;
      }, (e) => e === lost),
    ).rejects.toBe(other);
    expect(tries).toBe(1);
    tries = 0;
    await expect(
      withRetries('test', async () => {
        tries++;
        throw lost;
      }, (e) => e === lost),
    ).rejects.toBe(lost);
    expect(tries).toBe(RETRY_ATTEMPTS);
    tries = 0;
    expect(await withRetries('test', async (n) => (++tries < 3 ? AGAIN : n))).toBe(3);
  });

  describe('against the server', () => {
    const database = useInstalledDatabase(['core']);

    it('RoleRepo.add on a role it can never see (row-level security hides it) gives up instead of looping', async () => {
      const { owner, db, role } = database();
      // every try inserts (and conflicts), then reads nothing: the loop that used to be
      // unbounded. A sequence (not rolled back) counts the tries from a BEFORE INSERT trigger.
      await sql.raw(`
        create sequence public.role_tries;
        create function public.count_role_try() returns trigger language plpgsql security definer as
          $$ begin perform nextval('public.role_tries'); return new; end $$;
        insert into schema_kit.roles (name, rank) values ('ghost', 7);
        create trigger count_role_try before insert on schema_kit.roles for each row execute function public.count_role_try();
        alter table schema_kit.roles enable row level security;
        create policy hide_rank_7 on schema_kit.roles for select to "${role}" using (rank <> 7);
        create policy insert_any on schema_kit.roles for insert to "${role}" with check (true);`).execute(owner.db);
      const tries = async () =>
        Number((await sql<{ n: string }>`select case when is_called then last_value else 0 end as n from public.role_tries`.execute(owner.db)).rows[0]!.n);
      const outcome = await Promise.race([
        new RoleRepo(db).add({ name: 'ghost', rank: 8 }).catch((e: unknown) => e),
        // unbounded, it would go on: fail the test instead of hanging on it
        waitFor(async () => (await tries()) > 10 * RETRY_ATTEMPTS, 'many tries').then(() => 'unbounded'),
      ]);
      expect(outcome).toBeInstanceOf(SchemaKitError);
      expect((outcome as Error).message).toMatch(/RoleRepo.add lost a race/);
      expect(outcome).toMatchObject({ code: 'contention', retryable: true });
      expect(await tries()).toBe(RETRY_ATTEMPTS);
    });
  });
});
