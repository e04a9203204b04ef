import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateDown, migrateToLatest, type Database } from '../../src/index.js';
import { SHIPPED_CATALOG } from '../../src/shipped.js';
import { migrateCatalogToLatest } from '../../src/migrate/migrate-to-latest.js';
import { ConversationRepo } from '../../src/modules/learning/index.js';
import { useTestDatabase } from '../helpers/database.js';
import { waitFor } from '../helpers/wait.js';

/** The catalog up to the migrations named before `next` in every module (applied files never change). */
const catalogBefore = (next: string) => SHIPPED_CATALOG.map((module) => ({ ...module, migrations: module.migrations.filter((m) => m.name < next) }));
/** The catalog of release 0.1.0: every module at its first migration. */
const RELEASE_0_1 = catalogBefore('0002_');
/** Up to the expand steps of the conversation context (0003 to 0007, the seq trigger included): the backfill (0008) still to run. */
const EXPANDED = SHIPPED_CATALOG.map((module) => ({
  ...module,
  migrations: module.migrations.filter((m) => module.name !== 'learning' || m.name < '0008_'),
}));

/** What 0.1.0 wrote of a conversation and of a message: none of it may change in an upgrade. */
const CONVERSATION_0_1 = 'id, user_id, exercise_id, title, created_at, updated_at';
const MESSAGE_0_1 = 'id, conversation_id, role, content, message_metadata, tokens_used, created_at';

/** Installs 0.1.0's learning module in `schema` with `conversations` conversations of `messages` messages each, written out of order. */
async function install010(db: Kysely<Database>, schema: string, conversations: number, messages: number): Promise<string[]> {
  expect((await migrateCatalogToLatest(db as never, RELEASE_0_1, { schema, modules: ['learning'] })).error).toBeUndefined();
  const q = (text: string) => sql.raw(text.replaceAll('S.', `${schema}.`)).execute(db);
  await q(`insert into S.users (role) values ('public')`);
  await q(`insert into S.conversations (user_id, title, updated_at)
    select (select id from S.users), 'c' || i, '2025-02-01 00:00:00+00'::timestamptz + i * interval '1 s' from generate_series(1, ${conversations}) i`);
  // timestamps repeat (the id decides then) and do not follow the insert order
  await q(`insert into S.messages (conversation_id, role, content, tokens_used, created_at)
    select c.id, case when j % 2 = 0 then 'user' else 'assistant' end, 'old ' || j, nullif(j % 3, 0),
      '2025-01-01 00:00:00+00'::timestamptz + ((j * 7) % 5) * interval '1 s'
    from S.conversations as c cross join generate_series(1, ${messages}) as j`);
  return (await sql<{ id: string }>`select id from ${sql.id(schema, 'conversations')} order by id`.execute(db)).rows.map((r) => r.id);
}

/** Rows of `table` as text, for comparing before and after. */
async function snapshot(db: Kysely<Database>, schema: string, table: string, columns: string, where = 'true'): Promise<string[]> {
  const { rows } = await sql.raw<{ row: string }>(`select (${columns})::text as row from ${schema}.${table} where ${where} order by id`).execute(db);
  return rows.map((r) => r.row);
}

describe('upgrading the learning module of release 0.1.0', () => {
  const database = useTestDatabase();

  it('keeps every message, numbered in the order 0.1.0 read them: (created_at, id) per conversation', async () => {
    const { db } = database();
    expect((await migrateCatalogToLatest(db as never, RELEASE_0_1, { modules: ['learning'] })).error).toBeUndefined();
    const q = (text: string) => sql.raw(text).execute(db);
    await q(`insert into schema_kit.users (role) values ('public')`);
    await q(`insert into schema_kit.conversations (id, user_id, title)
      select c::uuid, (select id from schema_kit.users), 'old' from unnest(array['10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000002']) c`);
    // written out of order, two at the same instant (then the id decides), in two conversations
    await q(`insert into schema_kit.messages (id, conversation_id, role, content, tokens_used, message_metadata, created_at) values
      ('00000000-0000-4000-8000-00000000000c', '10000000-0000-4000-8000-000000000001', 'assistant', 'third', 7, '{"k":1}', '2025-01-01 10:00:02+00'),
      ('00000000-0000-4000-8000-00000000000a', '10000000-0000-4000-8000-000000000001', 'user', 'first', null, '{}', '2025-01-01 10:00:00+00'),
      ('00000000-0000-4000-8000-00000000000e', '10000000-0000-4000-8000-000000000001', 'user', 'fifth', null, '{}', '2025-01-01 10:00:03+00'),
      ('00000000-0000-4000-8000-00000000000d', '10000000-0000-4000-8000-000000000001', 'system', 'fourth', null, '{}', '2025-01-01 10:00:03+00'),
      ('00000000-0000-4000-8000-00000000000b', '10000000-0000-4000-8000-000000000001', 'assistant', 'second', 3, '{}', '2025-01-01 10:00:01+00'),
      ('00000000-0000-4000-8000-0000000000f2', '20000000-0000-4000-8000-000000000002', 'assistant', 'other two', null, '{}', '2025-01-01 09:00:00+00'),
      ('00000000-0000-4000-8000-0000000000f1', '20000000-0000-4000-8000-000000000002', 'user', 'other one', null, '{}', '2025-01-01 09:00:00+00')`);
    const before = (await sql<Record<string, unknown>>`select * from schema_kit.messages order by conversation_id, created_at, id`.execute(db)).rows;

    const conversationsBefore = await snapshot(db, 'schema_kit', 'conversations', CONVERSATION_0_1);
    const shape = async () =>
      (await sql<{ def: string }>`select table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') as def
        from information_schema.columns where table_schema = 'schema_kit' and table_name in ('conversations', 'messages')
        union all select indexdef from pg_indexes where schemaname = 'schema_kit' and tablename in ('conversations', 'messages')
        union all select pg_get_triggerdef(oid) from pg_trigger where tgrelid in ('schema_kit.conversations'::regclass, 'schema_kit.messages'::regclass) and not tgisinternal
        union all select pg_get_constraintdef(oid) from pg_constraint where conrelid in ('schema_kit.conversations'::regclass, 'schema_kit.messages'::regclass)
        order by 1`.execute(db)).rows.map((r) => r.def);
    const shape010 = await shape();

    const upgrade = await migrateToLatest(db, { modules: ['learning'] });
    expect(upgrade.error).toBeUndefined();
    expect(upgrade.results.map((r) => `${r.module}/${r.migration}`)).toEqual(expect.arrayContaining([
      'learning/0003_conversation_context', 'learning/0004_message_context', 'learning/0005_message_context_indexes',
      'learning/0006_message_seq_trigger', 'learning/0007_conversation_seq_default', 'learning/0008_message_context_backfill',
      'learning/0009_message_seq_not_null', 'learning/0010_conversation_last_message_seq_not_null',
    ]));
    // numbering the messages is no edit of a conversation: updated_at and the rest as they were
    expect(await snapshot(db, 'schema_kit', 'conversations', CONVERSATION_0_1)).toEqual(conversationsBefore);

    const after = (await sql<Record<string, unknown>>`select * from schema_kit.messages order by conversation_id, seq`.execute(db)).rows;
    // every old column kept as it was, in the old order, numbered from 1 in each conversation
    expect(after.map((row) => Object.fromEntries(Object.keys(before[0]!).map((k) => [k, row[k]])))).toEqual(before);
    expect(after.map((r) => [r.content, r.seq])).toEqual([
      ['first', 1], ['second', 2], ['third', 3], ['fourth', 4], ['fifth', 5], ['other one', 1], ['other two', 2],
    ]);
    expect(after.map((r) => r.context_tokens)).toEqual([2, 3, 7, 2, 2, 3, 3]);

    // the repository carries on where the old messages end
    const chats = new ConversationRepo(db);
    const chat = '10000000-0000-4000-8000-000000000001';
    expect((await chats.get(chat))!.last_message_seq).toBe(5);
    expect((await chats.addMessage(chat, { role: 'user', content: 'sixth' })).seq).toBe(6);
    expect((await chats.listMessages(chat)).items.map((m) => m.content)).toEqual(['first', 'second', 'third', 'fourth', 'fifth', 'sixth']);
    expect((await chats.contextWindow(chat, { maxTokens: 100 })).messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);

    // and down again to 0.1.0's schema keeps the messages (a tool result has no place there)
    await chats.addMessages(chat, [
      { role: 'assistant', content: '', tool_calls: [{ id: 'c', name: 't', arguments: {} }] },
      { role: 'tool', tool_call_id: 'c', content: 'r' },
    ]);
    const down = await migrateDown(db, { modules: ['learning'], steps: 12 }); // 0013 to 0002: 0.1.0's schema
    expect(down.error).toBeUndefined();
    expect(await shape()).toEqual(shape010);
    const reverted = (await sql<{ content: string }>`select content from schema_kit.messages where conversation_id = ${chat} order by created_at, id`.execute(db)).rows;
    expect(reverted.map((r) => r.content).slice(0, 6)).toEqual(['first', 'second', 'third', 'fourth', 'fifth', 'sixth']);
    expect(reverted).toHaveLength(7);
  });

  it('numbers gap-free, in 0.1.0\'s read order, while a 0.1.0 host keeps writing messages through the upgrade', async () => {
    const { db } = database();
    const schema = 'upgrade_writers';
    const ids = await install010(db, schema, 300, 20);
    const conversationsBefore = await snapshot(db, schema, 'conversations', CONVERSATION_0_1);
    const messagesBefore = await snapshot(db, schema, 'messages', MESSAGE_0_1);

    // 0.1.0's own insert (ConversationRepo.addMessages of 0.1.0), one message at a time, round the conversations
    const writes = { done: 0, failed: [] as unknown[] };
    let writing = true;
    const writer = (async () => {
      const client = await database().pool.connect();
      try {
        for (let i = 0; writing; i += 1) {
          await client
            .query(
              `insert into ${schema}.messages (conversation_id, role, content, message_metadata, tokens_used, created_at)
               select $1::uuid, 'user', $2, '{}', null, clock_timestamp()`,
              [ids[(i * 7) % ids.length], `new ${i}`],
            )
            .then(() => (writes.done += 1), (error: unknown) => writes.failed.push(error));
        }
      } finally {
        client.release();
      }
    })();
    const wrote = (more: number) => {
      const target = writes.done + more;
      return waitFor(() => writes.done >= target, `${more} more writes`);
    };
    try {
      await wrote(20);
      // the expand steps while the host writes, then more writes into conversations not numbered yet
      expect((await migrateCatalogToLatest(db as never, EXPANDED, { schema, modules: ['learning'] })).error).toBeUndefined();
      await wrote(50);
      const upgrade = await migrateToLatest(db, { schema, modules: ['learning'] });
      expect(upgrade.error).toBeUndefined();
      await wrote(50);
    } finally {
      writing = false;
      await writer;
    }
    expect(writes.failed).toEqual([]);

    // every conversation numbered 1..n with no gap, in (created_at, id) order: the old messages first
    const { rows } = await sql.raw<{ bad: string; conversations: string; numbered: string }>(`
      select count(*) filter (where m.seq <> m.position) as bad, count(distinct m.conversation_id) as conversations,
        (select count(*) from ${schema}.conversations as c
         where c.last_message_seq = (select count(*) from ${schema}.messages as n where n.conversation_id = c.id)) as numbered
      from (select seq, conversation_id, row_number() over (partition by conversation_id order by created_at, id) as position
            from ${schema}.messages) as m`).execute(db);
    expect(rows[0]).toEqual({ bad: '0', conversations: '300', numbered: '300' });
    // no 0.1.0 column of an old message or of a conversation changed, updated_at included
    expect(await snapshot(db, schema, 'messages', MESSAGE_0_1, `content like 'old %'`)).toEqual(messagesBefore);
    expect(await snapshot(db, schema, 'conversations', CONVERSATION_0_1)).toEqual(conversationsBefore);
  });

  it('an interrupted backfill leaves the schema at its previous version, and the rerun finishes it', async () => {
    const { db } = database();
    const schema = 'upgrade_rerun';
    const ids = await install010(db, schema, 450, 3);
    expect((await migrateCatalogToLatest(db as never, EXPANDED, { schema, modules: ['learning'] })).error).toBeUndefined();
    // a host transaction holds an old message of one conversation: the backfill leaves it, then gives up
    const holder = await database().pool.connect();
    try {
      await holder.query('begin');
      await holder.query(`select from ${schema}.messages where conversation_id = $1 limit 1 for update`, [ids.at(-1)]);
      const stopped = await migrateToLatest(db, { schema, modules: ['learning'], ddlRetries: 2, ddlLockTimeoutMs: 100 });
      expect(stopped.error?.code).toBe('migration_failed');
      const left = await sql.raw<{ n: string }>(`select count(*) as n from ${schema}.conversations where last_message_seq is null`).execute(db);
      expect(left.rows[0]!.n).toBe('1');
    } finally {
      await holder.query('rollback');
      holder.release();
    }
    const rerun = await migrateToLatest(db, { schema, modules: ['learning'] });
    expect(rerun.error).toBeUndefined();
    expect(rerun.results.map((r) => r.migration)).toContain('0008_message_context_backfill');
    const { rows } = await sql.raw<{ bad: string }>(`
      select count(*) filter (where seq <> position) as bad
      from (select seq, row_number() over (partition by conversation_id order by created_at, id) as position from ${schema}.messages) as m`).execute(db);
    expect(rows[0]!.bad).toBe('0');
  });
});
