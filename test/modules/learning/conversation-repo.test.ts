import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SchemaKitNotFoundError, SchemaKitValidationError } from '../../../src/index.js';
import { ConversationRepo } from '../../../src/modules/learning/index.js';
import { createUser, useInstalledDatabase } from '../../helpers/installed.js';
import { nextClockTick } from '../../helpers/target.js';

describe('ConversationRepo', () => {
  const database = useInstalledDatabase(['learning']);
  const chats = () => new ConversationRepo(database().db);
  const count = async (table: 'conversations' | 'messages') =>
    (await sql<{ n: number }>`select count(*)::int as n from ${sql.id('schema_kit', table)}`.execute(database().db)).rows[0]!.n;

  it('starts a conversation and adds messages, returned in input order', async () => {
    const user = await createUser(database());
    const chat = await chats().start({ user_id: user, title: 'Recursion' });
    expect(chat).toMatchObject({ user_id: user, exercise_id: null, title: 'Recursion' });
    expect(await chats().get(chat.id)).toEqual(chat);
    const one = await chats().addMessage(chat.id, { role: 'user', content: "What's a \"base case\"? ☃", message_metadata: { lang: 'en' } });
    expect(one).toMatchObject({ conversation_id: chat.id, role: 'user', content: "What's a \"base case\"? ☃", message_metadata: { lang: 'en' }, tokens_used: null });
    const many = await chats().addMessages(chat.id, [
      { role: 'assistant', content: 'The case that stops.', tokens_used: 12 },
      { role: 'system', content: '' },
    ]);
    expect(many.map((m) => [m.role, m.content, m.tokens_used, m.message_metadata])).toEqual([
      ['assistant', 'The case that stops.', 12, {}],
      ['system', '', null, {}],
    ]);
    expect(await chats().addMessages(chat.id, [])).toEqual([]);
  });

  it('reads messages oldest first in keyset pages, in the order added even within one transaction', async () => {
    const user = await createUser(database());
    const chat = await chats().start({ user_id: user });
    await database().db.transaction().execute(async (trx) => {
      const inTrx = new ConversationRepo(trx);
      for (let i = 0; i < 5; i += 1) await inTrx.addMessage(chat.id, { role: 'user', content: `m${i}` });
      await inTrx.addMessages(chat.id, Array.from({ length: 200 }, (_, i) => ({ role: 'assistant' as const, content: `m${5 + i}` })));
    });
    await chats().addMessage(chat.id, { role: 'user', content: 'm205' });
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page = await chats().listMessages(chat.id, { limit: 40, ...(after ? { after } : {}) });
      seen.push(...page.items.map((m) => m.content));
      after = page.next;
    } while (after);
    expect(seen).toEqual(Array.from({ length: 206 }, (_, i) => `m${i}`));
  });

  it("pages a user's conversations, newest first", async () => {
    const user = await createUser(database());
    const started = [];
    for (let i = 0; i < 5; i += 1) {
      started.push(await chats().start({ user_id: user, title: `c${i}` }));
      await nextClockTick();
    }
    const first = await chats().listForUser(user, { limit: 2 });
    const second = await chats().listForUser(user, { limit: 2, after: first.next! });
    const third = await chats().listForUser(user, { limit: 2, after: second.next! });
    expect([...first.items, ...second.items, ...third.items].map((c) => c.title)).toEqual(['c4', 'c3', 'c2', 'c1', 'c0']);
    expect(third.next).toBeNull();
  });

  it('refuses unknown users and exercises with a conflict naming the foreign key, and an unknown conversation as not found', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    await expect(chats().start({ user_id: missing })).rejects.toMatchObject({ constraint: 'conversations_user_id_fkey' });
    await expect(chats().start({ user_id: await createUser(database()), exercise_id: missing })).rejects.toMatchObject({ constraint: 'conversations_exercise_id_fkey' });
    const error = await chats().addMessage(missing, { role: 'user', content: 'hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitNotFoundError);
    expect((error as SchemaKitNotFoundError).table).toBe('conversations');
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const user = await createUser(database());
    const chat = await chats().start({ user_id: user });
    const before = [await count('conversations'), await count('messages')];
    const ok = { role: 'user' as const, content: 'hi' };
    const cases: [() => Promise<unknown>, string][] = [
      [() => chats().start({ user_id: 'u1' }), 'conversation.user_id'],
      [() => chats().start({ user_id: user, title: 't\u0000' }), 'conversation.title'],
      [() => chats().addMessage(chat.id, { ...ok, role: 'bot' as never }), 'message.role'],
      [() => chats().addMessage(chat.id, { ...ok, tokens_used: -1 }), 'message.tokens_used'],
      [() => chats().addMessage(chat.id, { ...ok, message_metadata: { when: new Date() } }), 'message.message_metadata.when'],
      [() => chats().addMessage('chat', ok), 'conversationId'],
      [() => chats().addMessages(chat.id, [ok, { ...ok, content: 42 as never }]), 'messages.1.content'],
      [() => chats().addMessages(chat.id, Array.from({ length: 1001 }, () => ok)), 'messages'],
      [() => chats().listMessages(chat.id, { after: '12' }), 'options.after'],
      [() => chats().listForUser(user, { limit: 1.5 }), 'options.limit'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect([await count('conversations'), await count('messages')]).toEqual(before);
  });
});
