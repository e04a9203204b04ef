import { readFileSync } from 'node:fs';
import { transformSync } from 'esbuild';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SchemaKitConflictError, SchemaKitNotFoundError, SchemaKitValidationError, type Database } from '../../../src/index.js';
import { ConversationRepo, type ConversationMessage, type NewMessageInput } from '../../../src/modules/learning/index.js';
import { createUser, useInstalledDatabase } from '../../helpers/installed.js';
import { itWithConnections, TEST_TARGET } from '../../helpers/target.js';
import { signal, waitFor } from '../../helpers/wait.js';

/** The fields a message was written with, as it reads back (everything but ids, seq and times). */
const written = (m: ConversationMessage) =>
  Object.fromEntries(Object.entries(m).filter(([key]) => !['id', 'conversation_id', 'seq', 'call_seq', 'context_tokens', 'created_at'].includes(key)));

/** A message input with every optional field filled as it reads back (null when not given). */
const full = (m: NewMessageInput) => ({
  content_parts: null, tool_calls: null, tool_call_id: null, model: null, input_tokens: null, output_tokens: null,
  cached_tokens: null, finish_reason: null, latency_ms: null, message_metadata: {}, tokens_used: null, ...m,
});

describe('ConversationRepo for LLM applications', () => {
  const database = useInstalledDatabase(['learning']);
  const chats = () => new ConversationRepo(database().db);
  const newChat = async () => chats().start({ user_id: await createUser(database()) });
  const all = async (id: string) => {
    const seen: ConversationMessage[] = [];
    let after: string | null = null;
    do {
      const page = await chats().listMessages(id, { limit: 7, ...(after ? { after } : {}) });
      seen.push(...page.items);
      after = page.next;
    } while (after);
    return seen;
  };
  const counts = async () =>
    (
      await sql<{ n: string }>`select (select count(*) from schema_kit.messages) || '/' || (select count(*) from schema_kit.message_tool_calls)
        || '/' || (select count(*) from schema_kit.conversation_summaries) || '/' || (select coalesce(sum(message_count), 0) from schema_kit.conversation_usage) as n`.execute(
        database().db,
      )
    ).rows[0]!.n;

  it('numbers messages 1, 2, 3, ... per conversation: 50 added in one transaction come back in the order written', async () => {
    const chat = await newChat();
    const other = await newChat();
    await database().db.transaction().execute(async (trx) => {
      const inTrx = new ConversationRepo(trx);
      for (let i = 0; i < 50; i += 1) {
        await inTrx.addMessage(i % 2 ? chat.id : other.id, { role: 'user', content: `m${i}` });
        await inTrx.addMessage(chat.id, { role: 'assistant', content: `r${i}` });
      }
    });
    const messages = await all(chat.id);
    expect(messages.map((m) => m.seq)).toEqual(Array.from({ length: 75 }, (_, i) => i + 1));
    const expected = Array.from({ length: 50 }, (_, i) => (i % 2 ? [`m${i}`, `r${i}`] : [`r${i}`])).flat();
    expect(messages.map((m) => m.content)).toEqual(expected);
    expect((await all(other.id)).map((m) => [m.seq, m.content])).toEqual(Array.from({ length: 25 }, (_, i) => [i + 1, `m${2 * i}`]));
    expect((await chats().get(chat.id))!.last_message_seq).toBe(75);
  });

  it('two concurrent writers: every message keeps its place, no number is shared or skipped', async () => {
    const chat = await newChat();
    // writer A adds pairs, writer B single messages, at the same time on connections of their own
    const writerA = (async () => {
      const rows: ConversationMessage[] = [];
      for (let i = 0; i < 40; i += 1) rows.push(...(await chats().addMessages(chat.id, [{ role: 'user', content: `a${i}.0` }, { role: 'user', content: `a${i}.1` }])));
      return rows;
    })();
    const writerB = (async () => {
      const rows: ConversationMessage[] = [];
      for (let i = 0; i < 80; i += 1) rows.push(await chats().addMessage(chat.id, { role: 'assistant', content: `b${i}` }));
      return rows;
    })();
    const [fromA, fromB] = await Promise.all([writerA, writerB]);
    const listed = await all(chat.id);
    expect(listed.map((m) => m.seq)).toEqual(Array.from({ length: 160 }, (_, i) => i + 1));
    // each writer's messages come back in the order that writer wrote them, at the seq it was given
    const bySeq = new Map(listed.map((m) => [m.seq, m.content]));
    for (const row of [...fromA, ...fromB]) expect(bySeq.get(row.seq)).toBe(row.content);
    expect(listed.filter((m) => m.content.startsWith('a')).map((m) => m.content)).toEqual(Array.from({ length: 40 }, (_, i) => [`a${i}.0`, `a${i}.1`]).flat());
    expect(listed.filter((m) => m.content.startsWith('b')).map((m) => m.content)).toEqual(Array.from({ length: 80 }, (_, i) => `b${i}`));
    // a call's messages are contiguous: the conversation's row lock is held while its range is taken
    for (let i = 0; i < 40; i += 1) expect(fromA[2 * i + 1]!.seq).toBe(fromA[2 * i]!.seq + 1);
    // the writers did interleave
    expect(listed.slice(0, 80).some((m) => m.content.startsWith('b'))).toBe(true);
  });

  it('two writers in open transactions: the second waits for the first, and both keep their order', async () => {
    const chat = await newChat();
    // the first writes, then holds its transaction open until the second is waiting behind it
    const firstWrote = signal();
    const release = signal();
    const first = database().db.transaction().execute(async (trx) => {
      const repo = new ConversationRepo(trx);
      await repo.addMessage(chat.id, { role: 'user', content: 'first.0' });
      firstWrote.resolve();
      await release.promise;
      await repo.addMessage(chat.id, { role: 'user', content: 'first.1' });
    });
    await firstWrote.promise;
    const second = database().db.transaction().execute(async (trx) => {
      const repo = new ConversationRepo(trx);
      await repo.addMessage(chat.id, { role: 'user', content: 'second.0' });
      await repo.addMessage(chat.id, { role: 'user', content: 'second.1' });
    });
    if (TEST_TARGET === 'postgres') {
      // the second's write is blocked on the first's lock (PGlite, one connection, queues the
      // whole second transaction behind the first instead)
      await waitFor(async () => {
        const { rows } = await database().owner.pool.query<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        );
        return rows[0]!.n > 0;
      }, 'the second writer to wait on the first');
    }
    release.resolve();
    await Promise.all([first, second]);
    expect((await all(chat.id)).map((m) => [m.seq, m.content])).toEqual([
      [1, 'first.0'], [2, 'first.1'], [3, 'second.0'], [4, 'second.1'],
    ]);
  });

  it('round-trips a turn with parallel tool calls, content parts and usage, losing nothing', async () => {
    const chat = await newChat();
    const turn: NewMessageInput[] = [
      { role: 'system', content: 'You are a travel agent.' },
      {
        role: 'user', content: 'Weather and flights for Paris? ☃', tokens_used: 14,
        content_parts: [{ type: 'text', text: 'Weather and flights for Paris? ☃' }, { type: 'image', url: 'https://example.com/p.png', detail: 'low' }],
      },
      {
        role: 'assistant', content: '', model: 'gpt-4.1', input_tokens: 812, output_tokens: 41, cached_tokens: 512,
        finish_reason: 'tool_calls', latency_ms: 640, message_metadata: { provider: 'openai', response_id: 'resp_1' },
        tool_calls: [
          { id: 'call_w', name: 'weather', arguments: { city: 'Paris', units: ['c'] } },
          { id: 'call_f', name: 'flights', arguments: { to: 'CDG', date: '2026-12-01' } },
          { id: 'call_x', name: 'broken', arguments: '{"unterminated' },
        ],
      },
    ];
    const results: NewMessageInput[] = [
      { role: 'tool', tool_call_id: 'call_f', content: '[{"flight":"AF1"}]' },
      { role: 'tool', tool_call_id: 'call_w', content: '{"temp":18}', message_metadata: { is_error: false } },
      { role: 'tool', tool_call_id: 'call_x', content: 'invalid arguments', message_metadata: { is_error: true } },
    ];
    const answer: NewMessageInput = {
      role: 'assistant', content: '18 °C; AF1 flies tomorrow.', model: 'claude-sonnet-4', input_tokens: 1300, output_tokens: 12,
      finish_reason: 'end_turn', content_parts: [{ type: 'file', file_id: 'file_9', mime_type: 'application/pdf' }],
    };
    // the call and two results in one statement, the last result and the answer in later calls
    await chats().addMessages(chat.id, [...turn, results[0]!, results[1]!]);
    await chats().addMessage(chat.id, results[2]!);
    await chats().addMessages(chat.id, [answer]);
    const stored = await all(chat.id);
    expect(stored.map(written)).toEqual([...turn, ...results, answer].map(full));
    expect(stored.map((m) => [m.seq, m.call_seq])).toEqual([[1, null], [2, null], [3, null], [4, 3], [5, 3], [6, 3], [7, null]]);
    const window = await chats().contextWindow(chat.id, { maxTokens: 100_000 });
    expect(window.messages).toEqual(stored);
    expect(window.usage).toEqual([
      { model: 'claude-sonnet-4', input_tokens: 1300, output_tokens: 12, cached_tokens: 0, reasoning_tokens: 0, message_count: 1 },
      { model: 'gpt-4.1', input_tokens: 812, output_tokens: 41, cached_tokens: 512, reasoning_tokens: 0, message_count: 1 },
    ]);
    expect(window.summary).toBeNull();
  });

  /** A conversation of `turns` turns (user, assistant with `calls` tool calls, their results, answer), every message `tokens` tokens. */
  async function conversation(turns: number, calls: number, tokens: number) {
    const chat = await newChat();
    for (let t = 0; t < turns; t += 1) {
      const ids = Array.from({ length: calls }, (_, c) => `t${t}c${c}`);
      await chats().addMessages(chat.id, [
        { role: 'user', content: `q${t}`, tokens_used: tokens },
        ...(calls ? [{ role: 'assistant' as const, content: '', tool_calls: ids.map((id) => ({ id, name: 'lookup', arguments: {} })), tokens_used: tokens, model: 'm1', input_tokens: 100, output_tokens: 10 }] : []),
        ...ids.map((id) => ({ role: 'tool' as const, tool_call_id: id, content: 'r', tokens_used: tokens })),
        { role: 'assistant', content: `a${t}`, tokens_used: tokens, model: t % 2 ? 'm1' : 'm2', input_tokens: 50, output_tokens: 5, cached_tokens: 20 },
      ]);
    }
    return chat;
  }

  it('builds the context window within the budget, oldest first, never splitting a call from its results', async () => {
    // 10 turns of 6 messages (user, call with 3 calls, 3 results, answer), 10 tokens each: seq 6t+1 .. 6t+6
    const chat = await conversation(10, 3, 10);
    const everything = await all(chat.id);
    for (let budget = 1; budget <= 620; budget += 7) {
      const window = await chats().contextWindow(chat.id, { maxTokens: budget });
      const seqs = window.messages.map((m) => m.seq);
      expect(window.tokens, `budget ${budget}`).toBe(seqs.length * 10);
      expect(window.tokens).toBeLessThanOrEqual(budget);
      // the newest messages, contiguous and oldest first
      expect(seqs).toEqual(everything.slice(everything.length - seqs.length).map((m) => m.seq));
      // a cut never lands on a result (seq 6t+3 .. 6t+5) of a call (6t+2): it starts at a user message, a
      // call or an answer, so it holds as many messages as fit, less at most the 3 results of a call
      if (seqs.length) expect([1, 2, 6]).toContain(((seqs[0]! - 1) % 6) + 1);
      expect(Math.floor(budget / 10) - seqs.length).toBeLessThanOrEqual(3);
      const windowCalls = new Set(window.messages.flatMap((m) => (m.tool_calls ?? []).map((c) => c.id)));
      const windowResults = window.messages.filter((m) => m.role === 'tool').map((m) => m.tool_call_id!);
      expect(new Set(windowResults)).toEqual(windowCalls);
    }
    const usage = (await chats().contextWindow(chat.id, { maxTokens: 1 })).usage;
    expect(usage).toEqual([
      { model: 'm1', input_tokens: 10 * 100 + 5 * 50, output_tokens: 10 * 10 + 5 * 5, cached_tokens: 5 * 20, reasoning_tokens: 0, message_count: 15 },
      { model: 'm2', input_tokens: 5 * 50, output_tokens: 5 * 5, cached_tokens: 5 * 20, reasoning_tokens: 0, message_count: 5 },
    ]);
  });

  it('starts from the newest summary, which counts against the budget', async () => {
    const chat = await conversation(5, 0, 10); // 10 messages: user, answer
    await chats().addSummary(chat.id, { through_seq: 8, content: 'newer but shorter', token_count: 25 });
    expect(await chats().addSummary(chat.id, { through_seq: 4, content: 'up to q2', token_count: 30, model: 'm-sum', summary_metadata: { v: 1 } })).toMatchObject({
      conversation_id: chat.id, through_seq: 4, content: 'up to q2', token_count: 30, model: 'm-sum', summary_metadata: { v: 1 },
    });
    const window = await chats().contextWindow(chat.id, { maxTokens: 1000 });
    expect(window.summary).toMatchObject({ through_seq: 4, content: 'up to q2', token_count: 30 });
    expect(window.summary!.created_at).toBeInstanceOf(Date);
    expect(window.messages.map((m) => m.seq)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(window.tokens).toBe(90);
    // 30 for the summary leaves 25: the two newest messages
    expect((await chats().contextWindow(chat.id, { maxTokens: 55 })).messages.map((m) => m.content)).toEqual(['q4', 'a4']);
    // a summary larger than the budget is still the start; no message fits
    const tight = await chats().contextWindow(chat.id, { maxTokens: 20 });
    expect([tight.summary?.content, tight.messages, tight.tokens]).toEqual(['up to q2', [], 30]);
    // an empty conversation has an empty window
    const empty = await chats().contextWindow((await newChat()).id, { maxTokens: 10 });
    expect(empty).toEqual({ summary: null, messages: [], tokens: 0, usage: [] });
  });

  it('leaves out a tool result whose call a summary covers, rather than sending it alone', async () => {
    const chat = await newChat();
    await chats().addMessages(chat.id, [
      { role: 'user', content: 'q', tokens_used: 1 },
      { role: 'assistant', content: '', tool_calls: [{ id: 'c1', name: 't', arguments: null }], tokens_used: 1 },
    ]);
    await chats().addMessage(chat.id, { role: 'tool', tool_call_id: 'c1', content: 'late result', tokens_used: 1 });
    await chats().addMessage(chat.id, { role: 'assistant', content: 'done', tokens_used: 1 });
    await chats().addSummary(chat.id, { through_seq: 2, content: 's', token_count: 1 });
    expect((await chats().contextWindow(chat.id, { maxTokens: 100 })).messages.map((m) => m.content)).toEqual(['done']);
  });

  it('refuses bad shapes with a typed error naming the field, writing nothing', async () => {
    const chat = await newChat();
    await chats().addMessage(chat.id, { role: 'assistant', content: '', tool_calls: [{ id: 'known', name: 't', arguments: {} }] });
    const before = await counts();
    const call = { id: 'c1', name: 'lookup', arguments: {} };
    const cases: [() => Promise<unknown>, string][] = [
      [() => chats().addMessage(chat.id, { role: 'tool', tool_call_id: 'nope', content: 'r' }), 'message.tool_call_id'],
      [() => chats().addMessages(chat.id, [{ role: 'tool', tool_call_id: 'known', content: 'ok' }, { role: 'tool', tool_call_id: 'nope', content: 'r' }]), 'messages.1.tool_call_id'],
      [() => chats().addMessages(chat.id, [{ role: 'tool', tool_call_id: 'c1', content: 'r' }, { role: 'assistant', content: '', tool_calls: [call] }]), 'messages.0.tool_call_id'],
      [() => chats().addMessage(chat.id, { role: 'tool', content: 'r' }), 'message.tool_call_id'],
      [() => chats().addMessage(chat.id, { role: 'user', content: 'r', tool_call_id: 'known' }), 'message.tool_call_id'],
      [() => chats().addMessage(chat.id, { role: 'user', content: '', tool_calls: [call] }), 'message.tool_calls'],
      [() => chats().addMessage(chat.id, { role: 'assistant', content: '', tool_calls: [] }), 'message.tool_calls'],
      [() => chats().addMessage(chat.id, { role: 'assistant', content: '', tool_calls: [{ ...call, name: '' }] }), 'message.tool_calls.0.name'],
      [() => chats().addMessage(chat.id, { role: 'assistant', content: '', tool_calls: [{ ...call, arguments: { at: new Date() } }] }), 'message.tool_calls.0.arguments.at'],
      [() => chats().addMessages(chat.id, [{ role: 'assistant', content: '', tool_calls: [call] }, { role: 'assistant', content: '', tool_calls: [call] }]), 'messages.1.tool_calls.0.id'],
      [() => chats().addMessage(chat.id, { role: 'assistant', content: 'x', input_tokens: -1 }), 'message.input_tokens'],
      [() => chats().addMessage(chat.id, { role: 'assistant', content: 'x', output_tokens: -5 }), 'message.output_tokens'],
      [() => chats().addMessage(chat.id, { role: 'assistant', content: 'x', input_tokens: 10, cached_tokens: 11 }), 'message.cached_tokens'],
      [() => chats().addMessage(chat.id, { role: 'assistant', content: 'x', cached_tokens: 1 }), 'message.cached_tokens'],
      [() => chats().addMessage(chat.id, { role: 'assistant', content: 'x', latency_ms: 1.5 }), 'message.latency_ms'],
      [() => chats().addMessage(chat.id, { role: 'assistant', content: 'x', tokens_used: -1 }), 'message.tokens_used'],
      [() => chats().addMessage(chat.id, { role: 'assistant', content: 'x', model: '' }), 'message.model'],
      [() => chats().addMessage(chat.id, { role: 'user', content: 'x', content_parts: [{ url: 'no type' }] }), 'message.content_parts.0'],
      [() => chats().addMessage(chat.id, { role: 'user', content: 'x', content_parts: { type: 'image' } as never }), 'message.content_parts'],
      [() => chats().addSummary(chat.id, { through_seq: 2, content: 's', token_count: 1 }), 'summary.through_seq'],
      [() => chats().addSummary(chat.id, { through_seq: 1, content: 's', token_count: -1 }), 'summary.token_count'],
      [() => chats().contextWindow(chat.id, { maxTokens: 0 }), 'options.maxTokens'],
      [() => chats().contextWindow('c', { maxTokens: 10 }), 'conversationId'],
    ];
    for (const [attempt, field] of cases) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    // a call id the conversation already made is a conflict on the call index
    const repeated = await chats().addMessage(chat.id, { role: 'assistant', content: '', tool_calls: [{ ...call, id: 'known' }] }).catch((e: unknown) => e);
    expect(repeated).toBeInstanceOf(SchemaKitConflictError);
    expect((repeated as SchemaKitConflictError).constraint).toBe('message_tool_calls_pkey');
    expect(await counts()).toBe(before);
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const attempt of [
      () => chats().contextWindow(missing, { maxTokens: 10 }),
      () => chats().addSummary(missing, { through_seq: 1, content: 's', token_count: 1 }),
      () => chats().addMessage(missing, { role: 'tool', tool_call_id: 'known', content: 'r' }),
    ]) {
      expect(await attempt().catch((e: unknown) => e)).toBeInstanceOf(SchemaKitNotFoundError);
    }
  });

  it('numbers rows a host inserts with SQL of its own, after the repository\'s', async () => {
    const chat = await newChat();
    await chats().addMessage(chat.id, { role: 'user', content: 'from the repo' });
    await sql`insert into schema_kit.messages (conversation_id, role, content) values (${chat.id}, 'assistant', 'raw 1'), (${chat.id}, 'user', 'raw 2')`.execute(database().owner.db);
    await chats().addMessage(chat.id, { role: 'assistant', content: 'repo again' });
    expect((await all(chat.id)).map((m) => [m.seq, m.content])).toEqual([[1, 'from the repo'], [2, 'raw 1'], [3, 'raw 2'], [4, 'repo again']]);
  });

  it('numbers a bulk insert of 50 000 rows by raw SQL 1..N in the order inserted', async () => {
    const chat = await newChat();
    await chats().addMessage(chat.id, { role: 'user', content: 'from the repo' });
    await sql`insert into schema_kit.messages (conversation_id, role, content)
      select ${chat.id}::uuid, 'user', 'bulk ' || i from generate_series(1, 50000) as i`.execute(database().owner.db);
    const { rows } = await sql<{ n: number; first: number; last: number; misplaced: number }>`
      select count(*)::int as n, min(seq) as first, max(seq) as last,
        count(*) filter (where content like 'bulk %' and seq <> substr(content, 6)::int + 1)::int as misplaced
      from schema_kit.messages where conversation_id = ${chat.id}`.execute(database().db);
    expect(rows[0]).toEqual({ n: 50001, first: 1, last: 50001, misplaced: 0 });
    expect((await chats().get(chat.id))!.last_message_seq).toBe(50001);
    expect((await chats().addMessage(chat.id, { role: 'user', content: 'after' })).seq).toBe(50002);
  });

  it('raw SQL writers on several connections and the repository, into one conversation: no number shared or skipped', async () => {
    const chat = await newChat();
    const raw = async (writer: number) => {
      for (let i = 0; i < 30; i += 1) {
        // single rows, several rows per statement, and an explicit 0 ("the next one")
        await sql`insert into schema_kit.messages (conversation_id, role, content, seq)
          select ${chat.id}::uuid, 'user', ${`w${writer}.${i}.`} || k, 0 from generate_series(1, ${1 + (i % 3)}) as k`.execute(database().owner.db);
      }
    };
    const repo = async () => {
      for (let i = 0; i < 30; i += 1) await chats().addMessages(chat.id, [{ role: 'user', content: `r${i}.1` }, { role: 'user', content: `r${i}.2` }]);
    };
    await Promise.all([raw(1), raw(2), raw(3), repo()]);
    const { rows } = await sql<{ n: number; distinct: number; last: number }>`
      select count(*)::int as n, count(distinct seq)::int as distinct, max(seq) as last from schema_kit.messages where conversation_id = ${chat.id}`.execute(database().db);
    expect(rows[0]).toEqual({ n: 240, distinct: 240, last: 240 });
    expect((await chats().get(chat.id))!.last_message_seq).toBe(240);
    // each statement's rows (w<writer>.<i>.<k>, r<i>.<k>) are contiguous and in order: one writer holds the conversation's row lock at a time
    const statements = new Map<string, Array<[number, number]>>();
    for (const m of await all(chat.id)) {
      const cut = m.content.lastIndexOf('.');
      statements.set(m.content.slice(0, cut), [...(statements.get(m.content.slice(0, cut)) ?? []), [Number(m.content.slice(cut + 1)), m.seq]]);
    }
    expect(statements.size).toBe(120);
    for (const rows of statements.values()) expect(rows).toEqual(rows.map((_, k) => [k + 1, rows[0]![1] + k]));
  });

  it("runs README's model turn with a tool call, and builds the next context window", async () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const block = /## Conversations for LLM applications[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    const { code } = transformSync(`async function turn(db, userId, ConversationRepo) {\n${block}\nreturn { chat, summary, messages, tokens, usage };\n}`, { loader: 'ts' });
    const run = new Function(`${code}\nreturn turn;`)() as (...values: unknown[]) => Promise<unknown>;
    const { chat, summary, messages, tokens, usage } = (await run(database().db, await createUser(database()), ConversationRepo)) as {
      chat: { id: string }; summary: null; messages: ConversationMessage[]; tokens: number; usage: unknown[];
    };
    expect(summary).toBeNull();
    expect(messages.map((m) => [m.role, m.tool_call_id, m.tool_calls?.map((c) => c.id) ?? null])).toEqual([
      ['user', null, null], ['assistant', null, ['call_1']], ['tool', 'call_1', null],
    ]);
    expect(tokens).toBe(34);
    expect(usage).toEqual([{ model: 'gpt-4.1', input_tokens: 812, output_tokens: 20, cached_tokens: 512, reasoning_tokens: 0, message_count: 1 }]);
    expect((await chats().contextWindow(chat.id, { maxTokens: 8000 })).summary).toMatchObject({ through_seq: 3, token_count: 12 });
  });

  itWithConnections('builds a second Kysely, with a query log, on the database\'s connections; PGlite\'s one connection is the file\'s Kysely\'s')('sends one statement to add a turn (calls, results, usage) and one to build the window', async () => {
    const chat = await newChat();
    const sent: string[] = [];
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: { connect: () => database().pool.connect(), end: async () => undefined } }),
      log: (event) => void sent.push(event.query.sql),
    });
    const repo = new ConversationRepo(db);
    await repo.addMessages(chat.id, [
      { role: 'assistant', content: '', tool_calls: [{ id: 'a', name: 't', arguments: {} }, { id: 'b', name: 't', arguments: {} }], model: 'm', input_tokens: 9 },
      { role: 'tool', tool_call_id: 'b', content: 'rb' },
    ]);
    await repo.addMessage(chat.id, { role: 'tool', tool_call_id: 'a', content: 'ra' });
    await repo.contextWindow(chat.id, { maxTokens: 100 });
    expect(sent).toHaveLength(3);
    await db.destroy();
  });
});
