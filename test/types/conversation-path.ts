import { randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { ConversationRepo, migrateToLatest, SchemaKitConflictError, UserRepo, type ConversationMessage, type Database } from 'schema-kit';

const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) }) });
const { error } = await migrateToLatest(db, { add: ['core', 'learning'] });
if (error) throw error;

// Your system prompt is yours: it lives in your code, versioned with it. schema-kit neither stores
// nor returns it, and contextWindow's budget does not count it.
const SYSTEM_PROMPT = 'You are a concise weather assistant.';
const SYSTEM_PROMPT_TOKENS = 9; // counted with your model's tokenizer
const ANSWER_TOKENS = 1000; // room left for the model's answer

// 1. The user row first: conversations.user_id references it.
const { user } = await new UserRepo(db).upsertTelegramUser({ telegram_id: 7, telegram_first_name: 'Ada' });

// 2. The conversation.
const chats = new ConversationRepo(db);
const chat = await chats.start({ user_id: user.id, title: 'Weather' });

// 3. The user's message, committed before the model is called (no transaction held meanwhile).
await chats.addMessage(chat.id, { role: 'user', content: 'Weather in Paris?', tokens_used: 5 });

// 4. The model request: your system prompt, then the newest summary if any, then the messages that
// fit what is left of the model's context.
const window = await chats.contextWindow(chat.id, { maxTokens: 8000 - SYSTEM_PROMPT_TOKENS - ANSWER_TOKENS });
const request = [
  { role: 'system', content: SYSTEM_PROMPT },
  ...(window.summary ? [{ role: 'system', content: `The conversation so far, summarized: ${window.summary.content}` }] : []),
  ...window.messages.map(toChatCompletions),
];
console.log(JSON.stringify(request));

// 5. Send `request` to the model, then store its answer with what the call cost.
await chats.addMessage(chat.id, { role: 'assistant', content: 'Sunny, 18 °C.', model: 'gpt-4.1', input_tokens: 31, output_tokens: 7, finish_reason: 'stop' });

// Without its user row, a conversation is refused by the foreign key, as a typed error.
try {
  await chats.start({ user_id: randomUUID() });
} catch (refused) {
  if (!(refused instanceof SchemaKitConflictError)) throw refused;
  console.log(refused.code, refused.constraint); // conflict conversations_user_id_fkey
}
await db.destroy();

/** A stored message as OpenAI Chat Completions takes it (see "Mapping the main LLM APIs"). */
function toChatCompletions(m: ConversationMessage) {
  if (m.role === 'tool') return { role: m.role, tool_call_id: m.tool_call_id, content: m.content };
  // arguments stored as a string are the model's raw text, which did not parse: sent back as they came
  const calls = m.tool_calls?.map((c) => ({
    id: c.id,
    type: 'function',
    function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
  }));
  return { role: m.role, content: m.content, ...(calls ? { tool_calls: calls } : {}) };
}
