// schema-kit/ai-sdk with the real AI SDK, offline: streamText on its MockLanguageModelV3 streams
// reasoning, text, tool calls (one failing) and sources; onFinish saves the chat; it loads back
// deeply equal and valid for validateUIMessages; a resave writes nothing; usage lands in the ledger;
// the context window is ModelMessage[] streamText takes. On PostgreSQL and on PGlite (schema-kit/testing).
import { Kysely, PostgresDialect, sql } from 'kysely';
import { streamText, validateUIMessages, type InferUITools, type UIDataTypes, type UIMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { contextWindow, loadUIMessages, recordUsage, saveUIMessages } from '../../src/ai-sdk/index.js';
import { ConversationRepo, SchemaKitConnectionError, SchemaKitNotFoundError, SchemaKitValidationError, type Database } from '../../src/index.js';
import { createUser, useInstalledDatabase } from '../helpers/installed.js';
import { itWithConnections } from '../helpers/target.js';
import { chatTurn, mockModel, tools, userMessage } from './mock-chat.js';

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('schema-kit/ai-sdk', () => {
  const database = useInstalledDatabase(['learning']);
  const chats = () => new ConversationRepo(database().db);
  const newChat = async () => chats().start({ user_id: await createUser(database()) });
  /** The rows of the conversation with their xmin (changed by any write to the row). */
  const rowVersions = async (id: string) =>
    (
      await sql<{ seq: number; xmin: string }>`select seq, xmin::text from schema_kit.messages where conversation_id = ${id} order by seq`.execute(database().db)
    ).rows;

  it('saves a streamed chat in onFinish, loads it deeply equal and valid, and records each step\'s usage', async () => {
    const chat = await newChat();
    const first = await chatTurn([userMessage('u1', 'Weather in Paris?')], 1, {
      onStep: (step) => recordUsage(database().db, chat.id, step),
      onFinish: (messages) => saveUIMessages(database().db, chat.id, messages),
    });
    expect(first.finished).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    const assistant = first.messages[1]!;
    expect(assistant.parts.map((p) => p.type)).toEqual(['step-start', 'reasoning', 'text', 'tool-weather', 'tool-broken', 'step-start', 'text', 'source-url']);
    expect(assistant.parts.map((p) => ('state' in p ? p.state : null))).toEqual([null, 'done', 'done', 'output-available', 'output-error', null, 'done', null]);

    const loaded = await loadUIMessages(database().db, chat.id);
    expect(loaded).toEqual(json(first.messages));
    expect(await validateUIMessages<UIMessage<unknown, UIDataTypes, InferUITools<typeof tools>>>({ messages: loaded, tools })).toEqual(loaded);

    // the tool calls are the conversation's tool-call rows; the assistant message is one row
    const calls = await sql<{ call_id: string; seq: number }>`select call_id, seq from schema_kit.message_tool_calls where conversation_id = ${chat.id} order by call_id`.execute(database().db);
    expect(calls.rows).toEqual([{ call_id: 'call-1-broken', seq: 2 }, { call_id: 'call-1-weather', seq: 2 }]);
    const [row] = (await chats().listMessages(chat.id)).items.slice(1);
    expect(row).toMatchObject({ role: 'assistant', content: 'Let me check.\nSunny, 18 °C in Paris.', tool_calls: [{ id: 'call-1-weather', name: 'weather', arguments: { city: 'Paris', days: [1, 2] } }, { id: 'call-1-broken', name: 'broken', arguments: { why: 'test' } }] });

    // per-step usage, under the model that answered; totals per conversation and per user
    const usage = await chats().usage(chat.id);
    expect(usage.byModel).toEqual([{ model: 'mock-model-2026', input_tokens: 320, output_tokens: 50, cached_tokens: 250, reasoning_tokens: 25, message_count: 0 }]);
    expect(usage.total).toEqual({ input_tokens: 320, output_tokens: 50, cached_tokens: 250, reasoning_tokens: 25, message_count: 0 });
    const other = await chats().start({ user_id: chat.user_id });
    await recordUsage(database().db, other.id, { steps: [{ usage: { inputTokens: 5, outputTokens: 1 }, model: { modelId: 'other-model' } }, { usage: { inputTokens: 1 } }] });
    expect((await chats().usageForUser(chat.user_id)).total).toEqual({ input_tokens: 326, output_tokens: 51, cached_tokens: 250, reasoning_tokens: 25, message_count: 0 });
    expect((await chats().usageForUser(chat.user_id)).byModel.map((u) => u.model)).toEqual([null, 'mock-model-2026', 'other-model']);
  });

  it('a second turn appends; saving the same chat again writes nothing (no row version changes)', async () => {
    const chat = await newChat();
    const first = await chatTurn([userMessage('u1', 'Weather in Paris?')], 1);
    await saveUIMessages(database().db, chat.id, first.messages);
    const second = await chatTurn([...first.messages, userMessage('u2', 'And tomorrow?')], 2, {
      onFinish: (messages) => saveUIMessages(database().db, chat.id, messages),
    });
    expect(second.finished).toEqual({ inserted: 2, updated: 0, unchanged: 2 });
    const before = await rowVersions(chat.id);
    expect(before.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(await saveUIMessages(database().db, chat.id, second.messages)).toEqual({ inserted: 0, updated: 0, unchanged: 4 });
    expect(await rowVersions(chat.id)).toEqual(before);
    expect(await loadUIMessages(database().db, chat.id)).toEqual(json(second.messages));
  });

  itWithConnections('counts statements on a second Kysely over the server\'s pool; PGlite has one connection')('a resave sends four statements and no write: begin, the lock, the lookup, commit', async () => {
    const chat = await newChat();
    const { messages } = await chatTurn([userMessage('u1', 'Weather in Paris?')], 1);
    const statements: string[] = [];
    const logged = new Kysely<Database>({ dialect: new PostgresDialect({ pool: database().pool }), log: (event) => void statements.push(event.query.sql) });
    await saveUIMessages(logged, chat.id, messages);
    expect(statements.filter((s) => /^\s*(insert|update|delete|with)/i.test(s))).toHaveLength(1); // one addMessages statement
    statements.length = 0;
    await saveUIMessages(logged, chat.id, messages);
    expect(statements).toHaveLength(4);
    expect(statements.filter((s) => /^\s*(insert|update|delete|with)/i.test(s))).toEqual([]);
  });

  itWithConnections('two saves need two connections')('two concurrent saves of one chat store it once: the second waits for the first\'s lock and finds it stored', async () => {
    const chat = await newChat();
    const { messages } = await chatTurn([userMessage('u1', 'Weather in Paris?')], 1);
    const results = await Promise.all([saveUIMessages(database().db, chat.id, messages), saveUIMessages(database().db, chat.id, messages)]);
    expect(results.map((r) => r.inserted).sort()).toEqual([0, 2]);
    expect((await rowVersions(chat.id)).map((r) => r.seq)).toEqual([1, 2]);
    expect(await loadUIMessages(database().db, chat.id)).toEqual(json(messages));
  });

  it('updates a message saved while a client-side tool waited for its result, and records only the new call', async () => {
    const chat = await newChat();
    const waiting: UIMessage = {
      id: 'a1', role: 'assistant',
      parts: [{ type: 'step-start' }, { type: 'tool-askUser', toolCallId: 'call-ask', state: 'input-available', input: { question: 'Which city?' } }],
    };
    await saveUIMessages(database().db, chat.id, [userMessage('u1', 'Weather?'), waiting]);
    const answered: UIMessage = {
      ...waiting,
      parts: [
        { type: 'step-start' },
        { type: 'tool-askUser', toolCallId: 'call-ask', state: 'output-available', input: { question: 'Which city?' }, output: 'Paris' },
        { type: 'step-start' },
        { type: 'dynamic-tool', toolName: 'lookup', toolCallId: 'call-lookup', state: 'input-streaming', input: { city: 'Pa' } },
      ],
      metadata: { done: false },
    };
    const versions = await rowVersions(chat.id);
    expect(await saveUIMessages(database().db, chat.id, [userMessage('u1', 'Weather?'), answered])).toEqual({ inserted: 0, updated: 1, unchanged: 1 });
    const after = await rowVersions(chat.id);
    expect(after[0]).toEqual(versions[0]);
    expect(after[1]!.xmin).not.toEqual(versions[1]!.xmin);
    expect(await loadUIMessages(database().db, chat.id)).toEqual([userMessage('u1', 'Weather?'), answered]);
    const calls = await sql<{ call_id: string }>`select call_id from schema_kit.message_tool_calls where conversation_id = ${chat.id} order by call_id`.execute(database().db);
    expect(calls.rows.map((c) => c.call_id)).toEqual(['call-ask', 'call-lookup']);
  });

  it('refuses what it cannot store as given, writing nothing', async () => {
    const chat = await newChat();
    await saveUIMessages(database().db, chat.id, [userMessage('u1', 'a'), userMessage('u2', 'b')]);
    const versions = await rowVersions(chat.id);
    const refused = async (messages: unknown, field: string) => {
      const error = await saveUIMessages(database().db, chat.id, messages as UIMessage[]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field).toBe(field);
    };
    await refused([userMessage('u3', 'new'), userMessage('u2', 'b')], 'messages.1.id');
    await refused([userMessage('u2', 'b'), userMessage('u1', 'a')], 'messages.1.id');
    await refused([{ ...userMessage('u1', 'a'), role: 'assistant' }], 'messages.0.role');
    await refused([userMessage('u3', 'x'), userMessage('u3', 'y')], 'messages.1.id');
    await refused([{ id: 'u4', role: 'user', parts: [{ type: 'nonsense' }] }], 'messages');
    await refused([userMessage('u4', 'nul \u0000')], 'messages.0.content');
    await refused('not a list', 'messages');
    expect(await rowVersions(chat.id)).toEqual(versions);
    const missing = '00000000-0000-4000-8000-000000000000';
    await expect(saveUIMessages(database().db, missing, [userMessage('u1', 'a')])).rejects.toBeInstanceOf(SchemaKitNotFoundError);
    await expect(loadUIMessages(database().db, missing)).rejects.toBeInstanceOf(SchemaKitNotFoundError);
    await expect(recordUsage(database().db, missing, { usage: { inputTokens: 1 } })).rejects.toBeInstanceOf(SchemaKitNotFoundError);
    await expect(saveUIMessages(database().db, 'nope', [])).rejects.toMatchObject({ field: 'conversationId' });
  });

  it('contextWindow: the summary, then the newest messages as ModelMessage[] that streamText takes', async () => {
    const chat = await newChat();
    const first = await chatTurn([userMessage('u1', 'Weather in Paris?')], 1);
    const second = await chatTurn([...first.messages, userMessage('u2', 'And tomorrow?')], 2);
    await saveUIMessages(database().db, chat.id, second.messages);
    await chats().addSummary(chat.id, { through_seq: 2, content: 'The user asked about Paris: sunny, 18 °C.', token_count: 12 });

    const messages = await contextWindow(database().db, chat.id, { maxTokens: 10_000 });
    expect(messages[0]).toEqual({ role: 'system', content: 'The conversation so far, summarized: The user asked about Paris: sunny, 18 °C.' });
    expect(messages.slice(1).map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(messages[1]).toMatchObject({ role: 'user', content: [{ type: 'text', text: 'And tomorrow?' }] });
    const toolResults = messages.filter((m) => m.role === 'tool').flatMap((m) => m.content);
    expect(toolResults.map((r) => ('toolCallId' in r ? r.toolCallId : null)).sort()).toEqual(['call-2-broken', 'call-2-weather']);

    // streamText takes them as they are
    const result = streamText({ model: mockModel(3), system: 'You are a concise weather assistant.', messages, tools });
    expect(await result.text).toBe('Let me check.');

    // a budget too small for the turn leaves it out whole (the summary stays)
    expect(await contextWindow(database().db, chat.id, { maxTokens: 13 })).toEqual([messages[0]]);
    const custom = await contextWindow(database().db, chat.id, { maxTokens: 10_000, summaryMessage: (s) => ({ role: 'user', content: `Summary: ${s.content}` }) });
    expect(custom[0]).toEqual({ role: 'user', content: 'Summary: The user asked about Paris: sunny, 18 °C.' });
  });

  it('loads messages written with ConversationRepo as text and dynamic-tool parts', async () => {
    const chat = await newChat();
    await chats().addMessages(chat.id, [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'c1', name: 'weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', tool_call_id: 'c1', content: '{"temp":18}' },
      { role: 'assistant', content: 'Sunny.' },
    ]);
    const loaded = await loadUIMessages(database().db, chat.id);
    expect(loaded.map(({ id: _id, ...m }) => m)).toEqual([
      { role: 'user', parts: [{ type: 'text', text: 'Weather in Paris?' }] },
      { role: 'assistant', parts: [{ type: 'dynamic-tool', toolName: 'weather', toolCallId: 'c1', state: 'output-available', input: { city: 'Paris' }, output: { temp: 18 } }] },
      { role: 'assistant', parts: [{ type: 'text', text: 'Sunny.' }] },
    ]);
    expect(await validateUIMessages({ messages: loaded })).toEqual(loaded);
  });
});

describe('schema-kit/ai-sdk errors', () => {
  itWithConnections('needs a server to be unreachable')('an unreachable server: SchemaKitConnectionError with its cause from every function', async () => {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/postgres', connectionTimeoutMillis: 2000 });
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const id = '00000000-0000-4000-8000-000000000000';
    try {
      const calls = [
        () => saveUIMessages(db, id, [userMessage('u1', 'a')]),
        () => loadUIMessages(db, id),
        () => recordUsage(db, id, { usage: { inputTokens: 1 } }),
        () => contextWindow(db, id, { maxTokens: 100 }),
      ];
      for (const call of calls) {
        const error = await call().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SchemaKitConnectionError);
        expect((error as Error).cause).toBeDefined();
      }
    } finally {
      await db.destroy();
    }
  });

  it('bad input: SchemaKitValidationError naming the field, before any SQL', async () => {
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: { connect: () => Promise.reject(new Error('no SQL expected')) } as never }) });
    const id = '00000000-0000-4000-8000-000000000000';
    const field = async (call: Promise<unknown>) => ((await call.catch((e: unknown) => e)) as SchemaKitValidationError).field;
    expect(await field(recordUsage(db, id, null as never))).toBe('event');
    expect(await field(recordUsage(db, id, { steps: [null] } as never))).toBe('event.steps');
    expect(await field(recordUsage(db, id, { usage: { inputTokens: 1, cachedInputTokens: 2 } }))).toBe('usage.0.cached_tokens');
    expect(await field(contextWindow(db, id, undefined as never))).toBe('options.maxTokens');
    expect(await field(loadUIMessages(db, 'x'))).toBe('conversationId');
  });
});
