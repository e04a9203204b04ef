import { sql } from 'kysely';
import type { z } from 'zod';
import type { Conversation, ConversationMessage, ConversationSummary } from './tables.js';
import { uuid } from '../../validation/common.js';
import {
  contextWindowOptionsSchema,
  learningPageSchema,
  messageContentSchema,
  newUsageListSchema,
  newConversationSchema,
  newMessageListSchema,
  newMessageSchema,
  newSummarySchema,
  type ContextWindowOptions,
  type MessageContentInput,
  type NewConversationInput,
  type NewUsageInput,
  type NewMessageInput,
  type NewSummaryInput,
} from './validation.js';
import { contextWindowQuery, MESSAGE_COLUMNS, toContextWindow, type ContextWindow, type ModelUsage } from './context-window.js';
import { usageTotals, type UsageTotals } from './usage-totals.js';
import { wholeNumber } from '../../validation/numbers.js';
import { parseInput } from '../../validation/parse.js';
import { KeysetListing } from '../../repos/keyset.js';
import type { Page, PageOptions } from '../../repos/page.js';
import { SchemaKitNotFoundError, SchemaKitValidationError } from '../../errors.js';
import { repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { run } from '../../repos/run.js';
import { AGAIN, withRetries } from '../../repos/retry.js';

const COLUMNS = ['id', 'user_id', 'exercise_id', 'title', 'created_at', 'updated_at', 'last_message_seq'] as const;
const SUMMARY_COLUMNS = ['id', 'conversation_id', 'through_seq', 'content', 'token_count', 'model', 'summary_metadata', 'created_at'] as const;

type ParsedMessage = z.output<typeof newMessageSchema>;

/** The tool call ids the list itself makes, each with the 1-based position of the message that makes it. */
function madeInList(messages: ParsedMessage[]): Map<string, number> {
  return new Map(messages.flatMap((m, i) => (m.tool_calls ?? []).map((call) => [call.id, i + 1] as const)));
}

/**
 * Conversations of an LLM application on `conversations`, their `messages` in the order written
 * (a per-conversation `seq`), tool calls and their results, summaries, running usage totals per
 * model, and the context window to send a model next.
 *
 * ### Examples
 * ```ts
 * const chats = new ConversationRepo(db);
 * const chat = await chats.start({ user_id, title: 'Weather' });
 * await chats.addMessage(chat.id, { role: 'user', content: 'Weather in Paris?' });
 * await chats.addMessage(chat.id, {
 *   role: 'assistant', content: '', tool_calls: [{ id: 'call_1', name: 'weather', arguments: { city: 'Paris' } }],
 *   model: 'gpt-4.1', input_tokens: 812, output_tokens: 19, cached_tokens: 512, finish_reason: 'tool_calls', latency_ms: 640,
 * });
 * await chats.addMessage(chat.id, { role: 'tool', tool_call_id: 'call_1', content: '{"temp":18}' });
 * const { summary, messages, usage } = await chats.contextWindow(chat.id, { maxTokens: 8000 });
 * ```
 */
export class ConversationRepo {
  readonly #ctx: RepoContext;
  readonly #forUser: KeysetListing<Conversation>;
  readonly #messages: KeysetListing<ConversationMessage>;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options, this, 'conversations');
    this.#forUser = new KeysetListing(this.#ctx, { column: 'created_at', order: 'desc' }, (value) =>
      this.#ctx.db.selectFrom('conversations').select(COLUMNS).where('user_id', '=', value('user')),
    );
    // seq is unique within a conversation: it is the whole key
    this.#messages = new KeysetListing(this.#ctx, { column: 'seq', order: 'asc', unique: true }, (value) =>
      this.#ctx.db.selectFrom('messages').select(MESSAGE_COLUMNS).where('conversation_id', '=', value('conversation')),
    ) as unknown as KeysetListing<ConversationMessage>;
  }

  /** Starts a conversation of a user, optionally about an exercise. */
  async start(conversation: NewConversationInput): Promise<Conversation> {
    const row = parseInput(newConversationSchema, conversation, 'conversation');
    return run(this.#ctx.db.insertInto('conversations').values(row).returning(COLUMNS).executeTakeFirstOrThrow());
  }

  /** The conversation with this id, or undefined. */
  async get(id: string): Promise<Conversation | undefined> {
    const conversationId = parseInput(uuid, id, 'id');
    return run(this.#ctx.db.selectFrom('conversations').select(COLUMNS).where('id', '=', conversationId).executeTakeFirst());
  }

  /**
   * Adds one message to the conversation and returns it with its `seq`. A `tool` message names
   * the call it answers (`tool_call_id`), made by an earlier assistant message of the conversation.
   */
  async addMessage(conversationId: string, message: NewMessageInput): Promise<ConversationMessage> {
    const id = parseInput(uuid, conversationId, 'conversationId');
    const [stored] = await this.#add(id, [parseInput(newMessageSchema, message, 'message')], () => 'message');
    return stored!;
  }

  /**
   * Adds messages in one statement and returns them in input order, numbered in that order: the
   * conversation's row is locked while their `seq` range is taken, so concurrent writers never
   * interleave inside a call and never share a number. Tool calls are recorded, each message's
   * usage is added to the conversation's totals for its model, in the same statement.
   */
  async addMessages(conversationId: string, messages: readonly NewMessageInput[]): Promise<ConversationMessage[]> {
    const id = parseInput(uuid, conversationId, 'conversationId');
    const list = parseInput(newMessageListSchema, messages, 'messages');
    return list.length === 0 ? [] : this.#add(id, list, (i) => `messages.${i}`);
  }

  /** One keyset page of the conversation's messages in `seq` order, oldest first. */
  async listMessages(conversationId: string, options: PageOptions = {}): Promise<Page<ConversationMessage>> {
    const id = parseInput(uuid, conversationId, 'conversationId');
    const page = parseInput(learningPageSchema, options, 'options');
    return this.#messages.page({ conversation: id }, page);
  }

  /** One keyset page of the user's conversations, newest first. */
  async listForUser(userId: string, options: PageOptions = {}): Promise<Page<Conversation>> {
    const user = parseInput(uuid, userId, 'userId');
    const page = parseInput(learningPageSchema, options, 'options');
    return this.#forUser.page({ user }, page);
  }

  /**
   * Stores a summary that stands in for the conversation's messages up to `through_seq` (which
   * must be a message the conversation has). Several may exist: the newest one wins.
   */
  async addSummary(conversationId: string, summary: NewSummaryInput): Promise<ConversationSummary> {
    const id = parseInput(uuid, conversationId, 'conversationId');
    const row = parseInput(newSummarySchema, summary, 'summary');
    const stored = await run(
      this.#ctx.db
        .insertInto('conversation_summaries')
        .columns(['conversation_id', 'through_seq', 'content', 'token_count', 'model', 'summary_metadata'])
        .expression((eb) =>
          eb
            .selectFrom('conversations')
            .select([
              'id',
              sql.lit(row.through_seq).as('through_seq'),
              sql.val(row.content).as('content'),
              sql.lit(row.token_count).as('token_count'),
              sql.val(row.model ?? null).as('model'),
              sql.val(JSON.stringify(row.summary_metadata ?? {})).as('summary_metadata'),
            ])
            .where('id', '=', id)
            .where('last_message_seq', '>=', row.through_seq),
        )
        .returning(SUMMARY_COLUMNS)
        .executeTakeFirst(),
    );
    if (stored) return stored;
    await this.#mustExist(id);
    throw new SchemaKitValidationError('summary.through_seq', 'must be the seq of a message of the conversation');
  }

  /**
   * What to send the model next, in one indexed statement: the newest summary, then the newest
   * messages after it whose tokens (`context_tokens`) fit in `maxTokens` together with the
   * summary's, oldest first. A tool call and its results are never split: a group that does not
   * fit is left out whole. Also the conversation's running usage totals per model.
   */
  async contextWindow(conversationId: string, options: ContextWindowOptions): Promise<ContextWindow> {
    const id = parseInput(uuid, conversationId, 'conversationId');
    const { maxTokens } = parseInput(contextWindowOptionsSchema, options, 'options');
    const { rows } = await run(contextWindowQuery(this.#ctx, id, maxTokens).execute(this.#ctx.db));
    const window = toContextWindow(rows);
    if (!window) throw new SchemaKitNotFoundError('conversations', `conversation ${id} does not exist`);
    return window;
  }

  /**
   * Replaces the text, content parts, tool calls and metadata of the conversation's message `seq`
   * (its role, place and usage stay) and returns it. Its tool calls are recorded anew in the same
   * statement: a call it no longer makes is forgotten (refused with `SchemaKitConflictError` while a
   * tool message answers it), a new one is recorded (refused when another message made it).
   */
  async updateMessage(conversationId: string, seq: number, message: MessageContentInput): Promise<ConversationMessage> {
    const id = parseInput(uuid, conversationId, 'conversationId');
    const at = parseInput(wholeNumber(1), seq, 'seq');
    const m = parseInput(messageContentSchema, message, 'message');
    const table = (name: string) => sql.id(this.#ctx.schema, name);
    const json = (value: unknown) => (value == null ? null : JSON.stringify(value));
    const { rows } = await run(
      sql<ConversationMessage>`
        with updated as (
          update ${table('messages')} set content = ${m.content}, content_parts = ${json(m.content_parts)}::jsonb,
            tool_calls = ${json(m.tool_calls)}::jsonb, message_metadata = ${JSON.stringify(m.message_metadata ?? {})}::jsonb
          where conversation_id = ${id} and seq = ${at}
          returning ${sql.join(MESSAGE_COLUMNS.map((c) => sql.id(c)))}
        ),
        calls as (
          select call ->> 'id' as call_id, u.seq from updated as u cross join jsonb_array_elements(coalesce(u.tool_calls, '[]')) as call
        ),
        forgotten as (
          delete from ${table('message_tool_calls')} as c using updated as u
          where c.conversation_id = ${id} and c.seq = u.seq and c.call_id not in (select call_id from calls)
        ),
        recorded as (
          insert into ${table('message_tool_calls')} (conversation_id, call_id, seq)
          select ${id}::uuid, k.call_id, k.seq from calls as k
          where not exists (select from ${table('message_tool_calls')} as c where c.conversation_id = ${id} and c.call_id = k.call_id and c.seq = k.seq)
        )
        select * from updated`.execute(this.#ctx.db),
    );
    if (rows[0]) return rows[0];
    await this.#mustExist(id);
    throw new SchemaKitNotFoundError('messages', `conversation ${id} has no message ${at}`);
  }

  /**
   * Adds the usage of model calls (an AI SDK step each, for example) to the conversation's running
   * totals per model, in one statement. Counts no message (`message_count` stays).
   */
  async addUsage(conversationId: string, usage: readonly NewUsageInput[]): Promise<void> {
    const id = parseInput(uuid, conversationId, 'conversationId');
    const list = parseInput(newUsageListSchema, usage, 'usage');
    if (list.length === 0) return;
    const column = (pick: (u: (typeof list)[number]) => unknown) => list.map(pick);
    const result = await run(
      sql`
        insert into ${sql.id(this.#ctx.schema, 'conversation_usage')} as u
          (conversation_id, model, input_tokens, output_tokens, cached_tokens, reasoning_tokens)
        select ${id}::uuid, coalesce(t.model, ''), coalesce(sum(t.input_tokens), 0), coalesce(sum(t.output_tokens), 0),
          coalesce(sum(t.cached_tokens), 0), coalesce(sum(t.reasoning_tokens), 0)
        from unnest(${column((u) => u.model ?? null)}::text[], ${column((u) => u.input_tokens ?? null)}::integer[],
          ${column((u) => u.output_tokens ?? null)}::integer[], ${column((u) => u.cached_tokens ?? null)}::integer[],
          ${column((u) => u.reasoning_tokens ?? null)}::integer[]) as t(model, input_tokens, output_tokens, cached_tokens, reasoning_tokens)
        where exists (select from ${sql.id(this.#ctx.schema, 'conversations')} where id = ${id})
        group by coalesce(t.model, '')
        on conflict (conversation_id, model) do update set
          input_tokens = u.input_tokens + excluded.input_tokens, output_tokens = u.output_tokens + excluded.output_tokens,
          cached_tokens = u.cached_tokens + excluded.cached_tokens, reasoning_tokens = u.reasoning_tokens + excluded.reasoning_tokens`.execute(this.#ctx.db),
    );
    if (!result.numAffectedRows) await this.#mustExist(id);
  }

  /** The conversation's usage totals, per model and in all (messages' usage and `addUsage`'s together). */
  async usage(conversationId: string): Promise<UsageTotals> {
    const id = parseInput(uuid, conversationId, 'conversationId');
    const rows = await this.#usageOf({ conversation: id });
    if (rows.length === 0) await this.#mustExist(id);
    return usageTotals(rows);
  }

  /** The usage totals of all the user's conversations, per model and in all. */
  async usageForUser(userId: string): Promise<UsageTotals> {
    const user = parseInput(uuid, userId, 'userId');
    return usageTotals(await this.#usageOf({ user }));
  }

  /** `conversation_usage` of a conversation or of a user's conversations, summed per model (`model` null: stored without one). */
  async #usageOf(scope: { conversation: string } | { user: string }): Promise<ModelUsage[]> {
    const sum = (column: 'input_tokens' | 'output_tokens' | 'cached_tokens' | 'reasoning_tokens' | 'message_count') =>
      sql<number>`sum(${sql.ref(`u.${column}`)})::float8`.as(column);
    return run(
      this.#ctx.db
        .selectFrom('conversation_usage as u')
        .select([sql<string | null>`nullif(u.model, '')`.as('model'), sum('input_tokens'), sum('output_tokens'), sum('cached_tokens'), sum('reasoning_tokens'), sum('message_count')])
        .where((eb) =>
          'conversation' in scope
            ? eb('u.conversation_id', '=', scope.conversation)
            : eb('u.conversation_id', 'in', eb.selectFrom('conversations').select('id').where('user_id', '=', scope.user)),
        )
        .groupBy('u.model')
        .orderBy('u.model')
        .execute(),
    );
  }

  /** Adds the messages; when the statement refuses them, throws why (unknown conversation or call). */
  async #add(conversationId: string, messages: ParsedMessage[], field: (index: number) => string): Promise<ConversationMessage[]> {
    return withRetries('ConversationRepo.add', async () => {
      const added = await this.#insert(conversationId, messages);
      if (added.length === messages.length) return added;
      await this.#mustExist(conversationId);
      await this.#refuseUnknownCalls(conversationId, messages, field);
      return AGAIN; // a call this list answers was committed after the statement began: add again
    });
  }

  /**
   * One statement: lock the conversation and take the next `seq` range (only when every tool
   * result answers a known call), insert the messages, record their tool calls and add their
   * usage to the totals. Returns no rows, and writes nothing, when it refuses.
   */
  async #insert(conversationId: string, messages: ParsedMessage[]): Promise<ConversationMessage[]> {
    const madeAt = madeInList(messages);
    const table = (name: string) => sql.id(this.#ctx.schema, name);
    const column = (pick: (m: ParsedMessage, i: number) => unknown) => messages.map(pick);
    const json = (value: unknown) => (value == null ? null : JSON.stringify(value));
    const count = messages.length;
    const { rows } = await run(
      sql<ConversationMessage>`
        with input as (
          select * from unnest(
            ${column((m) => m.role)}::text[], ${column((m) => m.content)}::text[],
            ${column((m) => json(m.content_parts))}::jsonb[], ${column((m) => json(m.tool_calls))}::jsonb[],
            ${column((m) => m.tool_call_id ?? null)}::text[], ${column((m) => (m.tool_call_id == null ? null : (madeAt.get(m.tool_call_id) ?? null)))}::integer[],
            ${column((m) => m.model ?? null)}::text[], ${column((m) => m.input_tokens ?? null)}::integer[],
            ${column((m) => m.output_tokens ?? null)}::integer[], ${column((m) => m.cached_tokens ?? null)}::integer[],
            ${column((m) => m.finish_reason ?? null)}::text[], ${column((m) => m.latency_ms ?? null)}::integer[],
            ${column((m) => JSON.stringify(m.message_metadata ?? {}))}::jsonb[], ${column((m) => m.tokens_used ?? null)}::integer[]
          ) with ordinality as t(role, content, content_parts, tool_calls, tool_call_id, call_at, model, input_tokens,
            output_tokens, cached_tokens, finish_reason, latency_ms, message_metadata, tokens_used, n)
        ),
        known as (
          select i.*, (select c.seq from ${table('message_tool_calls')} as c
                       where c.conversation_id = ${conversationId} and c.call_id = i.tool_call_id) as stored_call_seq
          from input as i
        ),
        conversation as (
          update ${table('conversations')} set last_message_seq = last_message_seq + ${count}::integer
          where id = ${conversationId}
            and not exists (select from known where role = 'tool' and call_at is null and stored_call_seq is null)
          returning last_message_seq - ${count}::integer as base
        ),
        added as (
          insert into ${table('messages')} (conversation_id, seq, role, content, content_parts, tool_calls, tool_call_id, call_seq,
            model, input_tokens, output_tokens, cached_tokens, finish_reason, latency_ms, message_metadata, tokens_used)
          select ${conversationId}::uuid, c.base + k.n::integer, k.role, k.content, k.content_parts, k.tool_calls, k.tool_call_id,
            coalesce(c.base + k.call_at, k.stored_call_seq), k.model, k.input_tokens, k.output_tokens, k.cached_tokens,
            k.finish_reason, k.latency_ms, k.message_metadata, k.tokens_used
          from known as k cross join conversation as c
          order by k.n
          returning ${sql.join(MESSAGE_COLUMNS.map((c) => sql.id(c)))}
        ),
        calls as (
          insert into ${table('message_tool_calls')} (conversation_id, call_id, seq)
          select ${conversationId}::uuid, call ->> 'id', a.seq from added as a cross join jsonb_array_elements(a.tool_calls) as call
        ),
        usage as (
          insert into ${table('conversation_usage')} as u (conversation_id, model, input_tokens, output_tokens, cached_tokens, message_count)
          select ${conversationId}::uuid, coalesce(model, ''), coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0),
            coalesce(sum(cached_tokens), 0), count(*)
          from added
          where model is not null or input_tokens is not null or output_tokens is not null
          group by coalesce(model, '')
          on conflict (conversation_id, model) do update set
            input_tokens = u.input_tokens + excluded.input_tokens, output_tokens = u.output_tokens + excluded.output_tokens,
            cached_tokens = u.cached_tokens + excluded.cached_tokens, message_count = u.message_count + excluded.message_count
        )
        select * from added order by seq`.execute(this.#ctx.db),
    );
    return rows;
  }

  /** Throws {@link SchemaKitNotFoundError} when the conversation does not exist. */
  async #mustExist(conversationId: string): Promise<void> {
    const found = await run(this.#ctx.db.selectFrom('conversations').select('id').where('id', '=', conversationId).executeTakeFirst());
    if (!found) throw new SchemaKitNotFoundError('conversations', `conversation ${conversationId} does not exist`);
  }

  /** Throws a validation error naming the first tool message whose call the conversation never made. */
  async #refuseUnknownCalls(conversationId: string, messages: ParsedMessage[], field: (index: number) => string): Promise<void> {
    const madeAt = madeInList(messages);
    const asked = messages.map((m) => m.tool_call_id).filter((c): c is string => c != null && !madeAt.has(c));
    if (asked.length === 0) return;
    const known = await run(
      this.#ctx.db.selectFrom('message_tool_calls').select('call_id').where('conversation_id', '=', conversationId).where('call_id', 'in', asked).execute(),
    );
    const made = new Set(known.map((k) => k.call_id));
    const index = messages.findIndex((m) => m.tool_call_id != null && !madeAt.has(m.tool_call_id) && !made.has(m.tool_call_id));
    if (index >= 0) throw new SchemaKitValidationError(`${field(index)}.tool_call_id`, 'names no tool call of this conversation');
  }
}
