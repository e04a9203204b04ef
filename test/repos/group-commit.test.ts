import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createSchemaKit,
  EventLogRepo,
  forgetUser,
  ProcessedMessageRepo,
  SchemaKitConflictError,
  SchemaKitConnectionError,
  SchemaKitError,
  SchemaKitOutcomeUnknownError,
  SchemaKitValidationError,
  UserRepo,
  type GroupCommitOptions,
  type SchemaKit,
} from '../../src/index.js';
import { useInstalledDatabase } from '../helpers/installed.js';
import { waitFor } from '../helpers/wait.js';

// Group commit (src/repos/coalescer.ts, docs/guarantees.md "Group commit"). With maxInFlight 1,
// calls made in one tick go out deterministically: the first alone at once, the others together
// in the next statement (one transaction: their rows share an xmin, their events a tx_id).
describe('group commit on createSchemaKit', () => {
  // owner: the tests add constraints of a host's own (that zod cannot know) to refuse some calls
  const database = useInstalledDatabase(['core', 'lifecycle', 'audit', 'idempotency'], { as: 'owner' });
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  let run = 0;
  function kit(groupCommit: boolean | GroupCommitOptions = { maxInFlight: 1 }, max = 4): SchemaKit {
    const pool = new pg.Pool({ connectionString: database().url, max });
    pool.on('error', () => undefined);
    const created = createSchemaKit({ pool, groupCommit });
    cleanups.push(() => created.destroy().then(() => pool.end()));
    return created;
  }
  const settle = <T>(calls: Promise<T>[]) => Promise.all(calls.map((call) => call.then((value) => ({ value }), (error: unknown) => ({ error }))));
  async function xminsOf(ids: string[]): Promise<number> {
    const { rows } = await database().pool.query<{ n: number }>('select count(distinct xmin::text)::int as n from schema_kit.processed_messages where message_id = any($1)', [ids]);
    return rows[0]!.n;
  }

  /** Transactions left open holding a lock each (`holds`: a statement that takes it): `open(i)` ends gate i, `close()` all. */
  async function gates(holds: [string, unknown[]][]) {
    const clients = await Promise.all(holds.map(() => database().owner.pool.connect()));
    for (const [i, client] of clients.entries()) {
      await client.query('begin');
      await client.query(...holds[i]!);
    }
    return {
      open: (i: number) => clients[i]!.query('rollback'),
      close: async () => {
        for (const client of clients) {
          await client.query('rollback').catch(() => undefined);
          client.release();
        }
      },
    };
  }
  /** Terminates the backend of the batch (its SQL like `pattern`) once it waits on a lock. */
  async function killWaiting(pattern: string): Promise<void> {
    const pid = await waitFor(async () => {
      const { rows } = await database().owner.pool.query<{ pid: number }>(
        "select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like $1",
        [pattern],
      );
      return rows[0]?.pid;
    }, 'the batch waiting on its gate');
    await database().owner.pool.query('select pg_terminate_backend($1)', [pid]);
  }

  it.each([
    ['one statement in flight', { maxInFlight: 1 }],
    ['the defaults', {}],
  ])('claim (%s): each caller gets the answer it gets in sequence, duplicates within a burst included (first true, later false)', async (_, options) => {
    const { processedMessages } = kit(options);
    const p = `claim:${++run}`;
    await processedMessages.claim(`${p}:old`); // claimed before the burst
    const ids = [`${p}:0`, `${p}:1`, `${p}:1`, `${p}:old`, `${p}:2`, `${p}:0`, `${p}:3`, `${p}:1`, `${p}:4`];
    const answers = await Promise.all(ids.map((id) => processedMessages.claim(id)));
    const seen = new Set([`${p}:old`]);
    const sequential = ids.map((id) => !seen.has(id) && Boolean(seen.add(id)));
    expect(answers).toEqual(sequential);
    // the first went alone, the rest in shared statements: fewer commits than claims
    expect(await xminsOf(ids.filter((id) => !id.endsWith(':old')))).toBeLessThan(5);
    expect(await Promise.all(ids.map((id) => processedMessages.isProcessed(id)))).toEqual(ids.map(() => true));
    expect(await Promise.all([`${p}:0`, `${p}:none`, `${p}:4`, `${p}:none2`].map((id) => processedMessages.isProcessed(id)))).toEqual([true, false, true, false]);
  });

  it('claim: a call the database refuses among good ones fails alone, with the error it gets alone; a validation error fails only its own call', async () => {
    await database().owner.pool.query("alter table schema_kit.processed_messages add constraint gc_no_refused check (message_id not like 'refused:%')");
    const { processedMessages } = kit();
    const alone = await kit(false).processedMessages.claim('refused:alone').catch((error: unknown) => error);
    expect(alone).toBeInstanceOf(SchemaKitConflictError);
    const p = `mixed:${++run}`;
    const ids = [`${p}:a`, `${p}:b`, 'refused:1', `${p}:c`, `${p}:d`, '', `${p}:e`, 'refused:2', `${p}:f`];
    const outcomes = await settle(ids.map((id) => processedMessages.claim(id)));
    outcomes.forEach((outcome, i) => {
      if (ids[i]!.startsWith('refused:')) {
        expect(outcome).toMatchObject({ error: expect.any(SchemaKitConflictError) });
        const error = (outcome as { error: SchemaKitConflictError }).error;
        expect([error.code, error.constraint, error.constructor]).toEqual([(alone as SchemaKitConflictError).code, 'gc_no_refused', alone!.constructor]);
      } else if (ids[i] === '') expect(outcome).toMatchObject({ error: expect.objectContaining({ field: 'messageId' }) });
      else expect(outcome).toEqual({ value: true });
    });
    expect((outcomes[5] as { error: unknown }).error).toBeInstanceOf(SchemaKitValidationError);
    const { rows } = await database().pool.query<{ message_id: string }>('select message_id from schema_kit.processed_messages where message_id like $1 order by 1', [`${p}:%`]);
    expect(rows.map((r) => r.message_id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `${p}:${x}`));
  });

  it('append: each caller gets its own row, ids in arrival order, one tx_id per shared statement; the feed stays gap-free and ordered', async () => {
    const { events } = kit();
    const plain = new EventLogRepo(database().db);
    const [start] = await plain.appendMany([{ action: 'gc.mark', entity_type: 'gc', entity_id: 'start' }]);
    const p = `append:${++run}`;
    const inputs = Array.from({ length: 30 }, (_, i) => ({ user_id: `tg:${p}:${i % 3}`, action: 'gc.append', entity_type: 'gc', entity_id: `${p}:${i}`, details: { i, note: `n${i}` } }));
    const rows = await Promise.all(inputs.map((event) => events.append(event)));
    rows.forEach((row, i) => expect(row).toMatchObject({ user_id: inputs[i]!.user_id, entity_id: inputs[i]!.entity_id, details: inputs[i]!.details }));
    const ids = rows.map((row) => BigInt(row.id));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    expect(new Set(rows.map((row) => row.tx_id)).size).toBe(2); // the first alone, the 29 others in one statement
    // the feed after the marker: exactly these events, once each, in (tx_id, id) order
    // the feed shows a transaction once every older one on the server ended (other tests' too): wait for it
    const streamed = await waitFor(async () => {
      const seen: { id: string; position: string }[] = [];
      for await (const event of plain.stream({ after: `${start!.tx_id}:${start!.id}` })) if (event.action === 'gc.append' && event.entity_id.startsWith(`${p}:`)) seen.push(event);
      return seen.length >= rows.length && seen;
    }, 'the batched appends in the feed');
    expect(streamed.map((event) => event.id).sort()).toEqual(rows.map((row) => row.id).sort());
    const order = streamed.map((event) => event.position.split(':').map(BigInt) as [bigint, bigint]);
    expect(order.every(([tx, id], i) => i === 0 || tx > order[i - 1]![0] || (tx === order[i - 1]![0] && id > order[i - 1]![1]))).toBe(true);
    // the erasure index finds every batched event by what it names
    for (const user of [0, 1, 2].map((u) => `tg:${p}:${u}`)) {
      const { rows: found } = await database().pool.query<{ n: number }>(
        'select count(*)::int as n from schema_kit.event_log where schema_kit.event_log_erasure_keys(user_id, entity_id, details) && array[$1]',
        [user],
      );
      expect(found[0]!.n).toBe(10);
    }
    const forgotten = await forgetUser(database().db, { identifiers: [`tg:${p}:1`] });
    const { rows: erased } = await database().pool.query<{ user_id: string }>('select distinct user_id from schema_kit.event_log where entity_id like $1 and user_id not like $2', [`${p}:%`, `tg:${p}:%`]);
    expect(erased.map((r) => r.user_id)).toEqual([forgotten.pseudonym]);
  });

  it('append: an event naming a forgotten user fails alone (user_forgotten), the others are appended', async () => {
    const { events } = kit();
    const p = `forgot:${++run}`;
    await forgetUser(database().db, { identifiers: [`tg:${p}:gone`] });
    const alone = await kit(false).events.append({ user_id: `tg:${p}:gone`, action: 'gc.append', entity_type: 'gc', entity_id: 'x' }).catch((error: unknown) => error);
    expect(alone).toMatchObject({ code: 'user_forgotten' });
    const users = ['a', 'b', 'gone', 'c', 'd', 'e', 'gone', 'f'].map((u) => `tg:${p}:${u}`);
    const outcomes = await settle(users.map((user_id, i) => events.append({ user_id, action: 'gc.append', entity_type: 'gc', entity_id: `${p}:${i}` })));
    outcomes.forEach((outcome, i) => {
      if (users[i]!.endsWith(':gone')) {
        expect(outcome).toMatchObject({ error: { code: 'user_forgotten' } });
        expect((outcome as { error: object }).error.constructor).toBe((alone as SchemaKitError).constructor);
      }
      else expect(outcome).toMatchObject({ value: { user_id: users[i], entity_id: `${p}:${i}` } });
    });
  });

  it('upsertTelegramUser: per-call results equal those in sequence (the same sender twice: one created, one not, each with its own row)', async () => {
    const scenario = (base: number) => [
      { sender: { telegram_id: base + 1, telegram_username: 'first' } },
      { sender: { telegram_id: base + 1, telegram_username: 'second', is_premium: true } },
      { sender: { telegram_id: base + 2, language_code: 'en' } },
      { sender: { telegram_id: base + 3, telegram_first_name: 'Inactive' }, options: { reactivate: false } },
      { sender: { telegram_id: base + 4, telegram_first_name: 'Back' } },
      { sender: { telegram_id: base + 2, language_code: 'pt-BR' } },
      { sender: { telegram_id: base + 5 } },
    ];
    const prepare = async (users: UserRepo, base: number) => {
      for (const id of [base + 3, base + 4]) await users.deactivate((await users.upsertTelegramUser({ telegram_id: id })).user.id);
    };
    const shape = (base: number, result: Awaited<ReturnType<UserRepo['upsertTelegramUser']>>) => {
      // what differs between the two runs: the generated id, the times, the Telegram id's base
      const user: Record<string, unknown> = { ...result.user, telegram_id: Number(result.user.telegram_id) - base };
      for (const column of ['id', 'created_at', 'updated_at', 'last_login_at']) delete user[column];
      return { created: result.created, reactivated: result.reactivated, user };
    };
    const sequentialBase = 9_000_000 + ++run * 100;
    const one = new UserRepo(kit(false).db);
    await prepare(one, sequentialBase);
    const sequential = [];
    for (const call of scenario(sequentialBase)) sequential.push(shape(sequentialBase, await one.upsertTelegramUser(call.sender, call.options)));
    const batchedBase = 9_000_000 + ++run * 100;
    const users = new UserRepo(kit().db);
    await prepare(users, batchedBase);
    const batched = await Promise.all(scenario(batchedBase).map((call) => users.upsertTelegramUser(call.sender, call.options)));
    expect(batched.map((result) => shape(batchedBase, result))).toEqual(sequential);
    expect(batched[0]!.user.id).toBe(batched[1]!.user.id);
    // shared statements: fewer commits than senders
    const { rows } = await database().pool.query<{ n: number }>('select count(distinct xmin::text)::int as n from schema_kit.users where telegram_id between $1 and $2', [batchedBase + 1, batchedBase + 5]);
    expect(rows[0]!.n).toBeLessThan(5);
  });

  it('upsertTelegramUser: a sender the database refuses fails alone, with the error it gets alone', async () => {
    await database().owner.pool.query("alter table schema_kit.users add constraint gc_no_refused check (telegram_username is distinct from 'refused')");
    const alone = await new UserRepo(kit(false).db).upsertTelegramUser({ telegram_id: 8_999_999, telegram_username: 'refused' }).catch((error: unknown) => error);
    expect(alone).toBeInstanceOf(SchemaKitConflictError);
    const users = new UserRepo(kit().db);
    const base = 8_000_000 + ++run * 100;
    const names = ['a', 'b', 'refused', 'c', 'd'];
    const outcomes = await settle(names.map((telegram_username, i) => users.upsertTelegramUser({ telegram_id: base + i, telegram_username })));
    outcomes.forEach((outcome, i) => {
      if (names[i] === 'refused') expect(outcome).toMatchObject({ error: { code: (alone as SchemaKitError).code, constraint: 'gc_no_refused' } });
      else expect(outcome).toMatchObject({ value: { created: true, user: { telegram_username: names[i] } } });
    });
  });

  it('a connection killed under an in-flight batch: every caller of it gets a typed error, and a retry claims each id exactly once', async () => {
    const { processedMessages } = kit({ maxInFlight: 1 }, 2);
    const p = `kill:${++run}`;
    // two gates held by uncommitted claims: the first call waits on gate 1 alone, the batch behind it on gate 2
    const held = await gates([1, 2].map((i) => ['insert into schema_kit.processed_messages (message_id) values ($1)', [`${p}:gate${i}`]]));
    try {
      const first = processedMessages.claim(`${p}:gate1`);
      const ids = [`${p}:gate2`, ...Array.from({ length: 20 }, (_, i) => `${p}:${i}`)];
      const batch = settle(ids.map((id) => processedMessages.claim(id)));
      await held.open(0);
      expect(await first).toBe(true);
      await killWaiting('%from unnest($1::text[], $2::text[]) on conflict%');
      for (const outcome of await batch) expect(outcome).toMatchObject({ error: expect.any(SchemaKitOutcomeUnknownError) });
      await held.open(1);
      // nothing of the killed batch committed: each id is claimed once, by the retry
      expect(await Promise.all(ids.map((id) => processedMessages.claim(id)))).toEqual(ids.map(() => true));
      expect(await Promise.all(ids.map((id) => processedMessages.claim(id)))).toEqual(ids.map(() => false));
      const { rows } = await database().pool.query<{ n: number }>('select count(*)::int as n from schema_kit.processed_messages where message_id like $1', [`${p}:%`]);
      expect(rows[0]!.n).toBe(ids.length + 1);
    } finally {
      await held.close();
    }
  });

  it('upsertTelegramUser: a connection killed under an in-flight batch fails each of its callers typed, and the retry creates each user once', async () => {
    const users = new UserRepo(kit({ maxInFlight: 1 }, 2).db);
    const base = 7_000_000 + ++run * 100;
    await users.upsertTelegramUser({ telegram_id: base }); // gate 1
    await users.upsertTelegramUser({ telegram_id: base + 1 }); // gate 2
    // two gates held by row locks: the first call waits on gate 1 alone, the batch behind it on gate 2
    const held = await gates([0, 1].map((i) => ['select 1 from schema_kit.users where telegram_id = $1 for update', [base + i]]));
    try {
      const first = users.upsertTelegramUser({ telegram_id: base });
      const ids = [base + 1, ...Array.from({ length: 10 }, (_, i) => base + 10 + i)];
      const batch = settle(ids.map((telegram_id) => users.upsertTelegramUser({ telegram_id })));
      await held.open(0);
      expect(await first).toMatchObject({ created: false });
      await killWaiting('with input as (select * from unnest(%');
      for (const outcome of await batch) expect(outcome).toMatchObject({ error: expect.any(SchemaKitConnectionError) });
      await held.open(1);
      const retried = await Promise.all(ids.map((telegram_id) => users.upsertTelegramUser({ telegram_id })));
      expect(retried.map((result) => result.created)).toEqual(ids.map((id) => id !== base + 1));
      const { rows } = await database().pool.query<{ n: number }>('select count(*)::int as n from schema_kit.users where telegram_id between $1 and $2', [base, base + 99]);
      expect(rows[0]!.n).toBe(ids.length + 1);
    } finally {
      await held.close();
    }
  });

  it('never coalesces inside a transaction or a processOnce handler; groupCommit: false sends every call alone; bad options are refused', async () => {
    const coalescing = kit();
    const p = `scope:${++run}`;
    // in a transaction: the host's, rolled back with it
    await coalescing.db
      .transaction()
      .execute(async (trx) => {
        const inbox = new ProcessedMessageRepo(trx);
        expect(await Promise.all([1, 2, 3].map((i) => inbox.claim(`${p}:trx${i}`)))).toEqual([true, true, true]);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await coalescing.processedMessages.isProcessed(`${p}:trx1`)).toBe(false);
    // inside a handler: a guarded repository still refuses, an allowed one writes alone
    const allowed = new ProcessedMessageRepo(coalescing.db, { allowOutsideTransaction: true });
    const inside = await coalescing.processedMessages.processOnce(`${p}:handler`, async () => {
      const refused = await coalescing.processedMessages.claim(`${p}:inside`).catch((error: unknown) => error);
      return { refused: (refused as SchemaKitError).code, allowed: await Promise.all([allowed.claim(`${p}:out1`), allowed.claim(`${p}:out2`)]) };
    });
    expect(inside).toEqual({ processed: true, result: { refused: 'outside_handler_transaction', allowed: [true, true] } });
    // off: one commit per claim
    const off = kit(false);
    const ids = Array.from({ length: 6 }, (_, i) => `${p}:off${i}`);
    expect(await Promise.all(ids.map((id) => off.processedMessages.claim(id)))).toEqual(ids.map(() => true));
    expect(await xminsOf(ids)).toBe(6);
    const pool = new pg.Pool({ connectionString: database().url, max: 1 });
    cleanups.push(() => pool.end());
    for (const groupCommit of [{ maxBatch: 0 }, { maxInFlight: 1.5 }, { batch: 2 }, 'on']) {
      expect(() => createSchemaKit({ pool, groupCommit: groupCommit as GroupCommitOptions })).toThrow(SchemaKitValidationError);
    }
  });
});
