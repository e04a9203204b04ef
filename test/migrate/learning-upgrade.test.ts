import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateDown, migrateToLatest } from '../../src/index.js';
import { SHIPPED_CATALOG } from '../../src/shipped.js';
import { migrateCatalogToLatest } from '../../src/migrate/migrate-to-latest.js';
import { ConversationRepo } from '../../src/modules/learning/index.js';
import { useTestDatabase } from '../helpers/database.js';

/** The catalog of release 0.1.0: every module at its first migration (applied files never change). */
const RELEASE_0_1 = SHIPPED_CATALOG.map((module) => ({ ...module, migrations: module.migrations.filter((m) => m.name.startsWith('0001_')) }));

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

    const upgrade = await migrateToLatest(db, { modules: ['learning'] });
    expect(upgrade.error).toBeUndefined();
    expect(upgrade.results.map((r) => `${r.module}/${r.migration}`)).toContain('learning/0003_conversation_context');

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
    const down = await migrateDown(db, { modules: ['learning'], steps: 3 }); // 0005, 0004, 0003
    expect(down.error).toBeUndefined();
    const reverted = (await sql<{ content: string }>`select content from schema_kit.messages where conversation_id = ${chat} order by created_at, id`.execute(db)).rows;
    expect(reverted.map((r) => r.content).slice(0, 6)).toEqual(['first', 'second', 'third', 'fourth', 'fifth', 'sixth']);
    expect(reverted).toHaveLength(7);
  });
});
