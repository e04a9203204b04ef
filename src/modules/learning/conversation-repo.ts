import { sql } from 'kysely';
import type { z } from 'zod';
import type { Conversation, Message } from './tables.js';
import { uuid } from '../../validation/common.js';
import {
  learningPageSchema,
  newConversationSchema,
  newMessageListSchema,
  newMessageSchema,
  type NewConversationInput,
  type NewMessageInput,
} from './validation.js';
import { parseInput } from '../../validation/parse.js';
import { keysetPage } from '../../repos/keyset.js';
import type { Page, PageOptions } from '../../repos/page.js';
import { repoContext, run, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';

const COLUMNS = ['id', 'user_id', 'exercise_id', 'title', 'created_at', 'updated_at'] as const;
const MESSAGE_COLUMNS = ['id', 'conversation_id', 'role', 'content', 'message_metadata', 'tokens_used', 'created_at'] as const;

/**
 * Chat sessions on `conversations` and their `messages`, read back in the order they were added.
 *
 * ### Examples
 * ```ts
 * const chats = new ConversationRepo(db);
 * const chat = await chats.start({ user_id, title: 'Recursion' });
 * await chats.addMessages(chat.id, [{ role: 'user', content: 'Why?' }, { role: 'assistant', content: 'Because.', tokens_used: 12 }]);
 * const { items, next } = await chats.listMessages(chat.id, { limit: 50 }); // oldest first
 * ```
 */
export class ConversationRepo {
  readonly #ctx: RepoContext;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options);
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

  /** Adds one message to the conversation and returns it. */
  async addMessage(conversationId: string, message: NewMessageInput): Promise<Message> {
    const id = parseInput(uuid, conversationId, 'conversationId');
    const [stored] = await this.#add(id, [parseInput(newMessageSchema, message, 'message')]);
    return stored!;
  }

  /**
   * Adds messages in one statement and returns them in input order. Each message is stamped with
   * the time it was written (`clock_timestamp()`, one microsecond apart within a call), so
   * messages added in one transaction still read back in the order they were added.
   */
  async addMessages(conversationId: string, messages: readonly NewMessageInput[]): Promise<Message[]> {
    const id = parseInput(uuid, conversationId, 'conversationId');
    const list = parseInput(newMessageListSchema, messages, 'messages');
    return list.length === 0 ? [] : this.#add(id, list);
  }

  /** One keyset page of the conversation's messages, oldest first. */
  async listMessages(conversationId: string, options: PageOptions = {}): Promise<Page<Message>> {
    const id = parseInput(uuid, conversationId, 'conversationId');
    const page = parseInput(learningPageSchema, options, 'options');
    const query = this.#ctx.db.selectFrom('messages').select(MESSAGE_COLUMNS).where('conversation_id', '=', id);
    return keysetPage(query, { column: 'created_at', order: 'asc' }, page);
  }

  /** One keyset page of the user's conversations, newest first. */
  async listForUser(userId: string, options: PageOptions = {}): Promise<Page<Conversation>> {
    const user = parseInput(uuid, userId, 'userId');
    const page = parseInput(learningPageSchema, options, 'options');
    const query = this.#ctx.db.selectFrom('conversations').select(COLUMNS).where('user_id', '=', user);
    return keysetPage(query, { column: 'created_at', order: 'desc' }, page);
  }

  async #add(conversationId: string, messages: z.output<typeof newMessageSchema>[]): Promise<Message[]> {
    const column = <T>(pick: (m: (typeof messages)[number]) => T) => messages.map(pick);
    const { rows } = await run(
      sql<Message>`
        insert into ${sql.id(this.#ctx.schema, 'messages')} (conversation_id, role, content, message_metadata, tokens_used, created_at)
        select ${conversationId}::uuid, role, content, metadata, tokens, s.at + (n - 1) * interval '1 microsecond'
        from unnest(
          ${column((m) => m.role)}::text[], ${column((m) => m.content)}::text[],
          ${column((m) => JSON.stringify(m.message_metadata ?? {}))}::jsonb[], ${column((m) => m.tokens_used ?? null)}::integer[]
        ) with ordinality as t(role, content, metadata, tokens, n)
        cross join (select clock_timestamp() as at) as s
        order by n
        returning ${sql.join(MESSAGE_COLUMNS.map((c) => sql.id(c)))}`.execute(this.#ctx.db),
    );
    return rows;
  }
}
