import { isDeepStrictEqual } from 'node:util';
import { sql } from 'kysely';
import { safeValidateUIMessages, type UIMessage } from 'ai';
import { ConversationRepo, SchemaKitNotFoundError, SchemaKitValidationError, type ConversationMessage, type RepoOptions } from '../index.js';
import { inTransaction } from '../repos/transaction.js';
import { repoContext, type Executor } from '../repos/repo-context.js';
import { run } from '../repos/run.js';
import { parseInput } from '../validation/parse.js';
import { uuid } from '../validation/common.js';
import { fromMessageRows, toUIMessageRow, UI_MESSAGE_KEY, type StoredUIMessage, type UIMessageRow } from './ui-message-rows.js';

/** What {@link saveUIMessages} wrote: messages added, messages whose parts or metadata changed, and messages already stored as given. */
export interface SaveUIMessagesResult {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
}

/**
 * Saves an AI SDK chat in a conversation of the learning module, upserting by message id: a
 * message not stored yet is added (in order, after the stored ones), a stored one whose parts or
 * metadata changed is updated in place, and one stored as given is not written (saving the same
 * chat twice writes nothing). One transaction (a savepoint inside the host's): the conversation's
 * row is locked first, so concurrent saves of one chat run one after the other.
 *
 * Each message is one `messages` row: its text parts as `content`, an assistant's tool calls as
 * `tool_calls` (recorded in `message_tool_calls`), every part in order as `content_parts`, its id and
 * metadata in `message_metadata.ai_sdk`. Stored messages the list leaves out stay.
 *
 * Refused, with nothing written: messages the AI SDK's `validateUIMessages` refuses, a message id
 * given twice, a new message before a stored one, stored messages out of their stored order, a
 * stored message whose role changed (`SchemaKitValidationError` naming `messages.N...`), an
 * unknown conversation (`SchemaKitNotFoundError`), a tool call id another message of the
 * conversation made (`SchemaKitConflictError`).
 *
 * ### Examples
 * ```ts
 * const result = streamText({ model, messages: await convertToModelMessages(messages) });
 * return result.toUIMessageStreamResponse({
 *   originalMessages: messages,
 *   onFinish: ({ messages }) => saveUIMessages(db, conversationId, messages),
 * });
 * ```
 */
export async function saveUIMessages(db: Executor, conversationId: string, messages: readonly UIMessage[], options?: RepoOptions): Promise<SaveUIMessagesResult> {
  const id = parseInput(uuid, conversationId, 'conversationId');
  const rows = (await checkedMessages(messages)).map(toUIMessageRow);
  const ctx = repoContext(db, options);
  return inTransaction(ctx.plain, async (trx) => {
    const own = repoContext(trx, options);
    const locked = await run(own.db.selectFrom('conversations').select('id').where('id', '=', id).forNoKeyUpdate().executeTakeFirst());
    if (!locked) throw new SchemaKitNotFoundError('conversations', `conversation ${id} does not exist`);
    const stored = await storedMessages(own.db, id, rows.map((row) => row.message_metadata[UI_MESSAGE_KEY].id));
    const { inserts, updates } = plan(rows, stored);
    const repo = new ConversationRepo(trx, options);
    for (const [seq, row] of updates) {
      // the host's own keys of message_metadata stay
      const metadata = { ...stored.get(row.message_metadata[UI_MESSAGE_KEY].id)!.message_metadata, ...row.message_metadata };
      await repo.updateMessage(id, seq, { content: row.content, content_parts: row.content_parts, tool_calls: row.tool_calls, message_metadata: metadata });
    }
    if (inserts.length > 0) await repo.addMessages(id, inserts);
    return { inserted: inserts.length, updated: updates.length, unchanged: rows.length - inserts.length - updates.length };
  });
}

/**
 * The UI messages of a conversation, in their order: each message {@link saveUIMessages} saved as
 * it was saved (deeply equal, and accepted by the AI SDK's `validateUIMessages`), and messages
 * written otherwise as text and `dynamic-tool` parts.
 */
export async function loadUIMessages<M extends UIMessage = UIMessage>(db: Executor, conversationId: string, options?: RepoOptions): Promise<M[]> {
  const id = parseInput(uuid, conversationId, 'conversationId');
  const repo = new ConversationRepo(db, options);
  if (!(await repo.get(id))) throw new SchemaKitNotFoundError('conversations', `conversation ${id} does not exist`);
  const rows: ConversationMessage[] = [];
  let after: string | null = null;
  do {
    const page = await repo.listMessages(id, { limit: 1000, ...(after ? { after } : {}) });
    rows.push(...page.items);
    after = page.next;
  } while (after);
  return fromMessageRows(rows) as M[];
}

/** The messages as JSON (no `undefined` values), once the AI SDK accepts them and no id repeats. */
async function checkedMessages(messages: readonly UIMessage[]): Promise<UIMessage[]> {
  if (!Array.isArray(messages)) throw new SchemaKitValidationError('messages', 'must be an array of UI messages');
  if (messages.length === 0) return [];
  const checked = await safeValidateUIMessages({ messages });
  if (!checked.success) throw new SchemaKitValidationError('messages', checked.error.message, undefined, { cause: checked.error });
  let json: UIMessage[];
  try {
    json = JSON.parse(JSON.stringify(messages)) as UIMessage[];
  } catch (cause) {
    throw new SchemaKitValidationError('messages', 'must be JSON', undefined, { cause });
  }
  const seen = new Set<string>();
  json.forEach((m, i) => {
    if (seen.has(m.id)) throw new SchemaKitValidationError(`messages.${i}.id`, 'repeats the id of an earlier message');
    seen.add(m.id);
  });
  return json;
}

interface StoredRow extends Pick<ConversationMessage, 'seq' | 'role' | 'content' | 'content_parts' | 'tool_calls'> {
  readonly message_metadata: Record<string, unknown> & { [UI_MESSAGE_KEY]: StoredUIMessage };
}

/** The conversation's messages saved under these UI message ids, by id. */
async function storedMessages(db: ReturnType<typeof repoContext>['db'], conversationId: string, ids: string[]): Promise<Map<string, StoredRow>> {
  if (ids.length === 0) return new Map();
  const rows = (await run(
    db
      .selectFrom('messages')
      .select(['seq', 'role', 'content', 'content_parts', 'tool_calls', 'message_metadata'])
      .where('conversation_id', '=', conversationId)
      .where(sql<string>`message_metadata -> ${UI_MESSAGE_KEY} ->> 'id'`, '=', sql<string>`any(${ids}::text[])`)
      .execute(),
  )) as unknown as StoredRow[];
  return new Map(rows.map((row) => [row.message_metadata[UI_MESSAGE_KEY].id, row]));
}

/** Which rows to add and which stored ones to update (by seq); throws when the list reorders stored messages. */
function plan(rows: UIMessageRow[], stored: Map<string, StoredRow>): { inserts: UIMessageRow[]; updates: [number, UIMessageRow][] } {
  const inserts: UIMessageRow[] = [];
  const updates: [number, UIMessageRow][] = [];
  let lastSeq = 0;
  rows.forEach((row, i) => {
    const found = stored.get(row.message_metadata[UI_MESSAGE_KEY].id);
    if (!found) return void inserts.push(row);
    if (inserts.length > 0) throw new SchemaKitValidationError(`messages.${i}.id`, 'is stored, but comes after a message that is not: new messages come after the stored ones');
    if (found.seq < lastSeq) throw new SchemaKitValidationError(`messages.${i}.id`, 'is stored before a message the list gives earlier: stored messages keep their order');
    if (found.role !== row.role) throw new SchemaKitValidationError(`messages.${i}.role`, `differs from the stored message's role (${found.role})`);
    lastSeq = found.seq;
    const same =
      found.content === row.content &&
      isDeepStrictEqual(found.content_parts, row.content_parts) &&
      isDeepStrictEqual(found.tool_calls, row.tool_calls) &&
      isDeepStrictEqual(found.message_metadata[UI_MESSAGE_KEY], row.message_metadata[UI_MESSAGE_KEY]);
    if (!same) updates.push([found.seq, row]);
  });
  return { inserts, updates };
}
