// A local Bot API for grammY and Telegraf (both POST JSON to <apiRoot>/bot<token>/<method>): it
// records every call and answers as Telegram does, so bots run offline against the real frameworks.
import { createServer } from 'node:http';
import type { UserFromGetMe } from 'grammy/types';
import { sql, type Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Database } from '../../src/index.js';
import { useInstalledDatabase, type InstalledDatabase } from './installed.js';

/** A call the bot made. */
export interface BotApiCall {
  readonly method: string;
  readonly payload: Record<string, unknown>;
}

/** The local Bot API: its root URL, the calls made (in order), and `close()`. */
export interface LocalBotApi {
  readonly apiRoot: string;
  readonly calls: BotApiCall[];
  /** The texts sent with sendMessage, in order. */
  sent(): string[];
  close(): Promise<void>;
}

/** Starts the local Bot API on a free loopback port. */
export async function startBotApi(): Promise<LocalBotApi> {
  const calls: BotApiCall[] = [];
  let nextMessageId = 1000;
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const method = request.url?.split('/').pop() ?? '';
      const payload = (body ? JSON.parse(body) : {}) as Record<string, unknown>;
      calls.push({ method, payload });
      response.setHeader('content-type', 'application/json');
      const chat = { id: Number(payload.chat_id), type: 'private', first_name: 'Someone' };
      const result =
        method === 'sendMessage'
          ? { message_id: nextMessageId++, date: 1_764_150_000, chat, text: payload.text }
          : method === 'getChat'
            ? { ...chat, accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: {} }
            : true;
      response.end(JSON.stringify(method === 'failingCall' ? { ok: false, error_code: 400, description: 'Bad Request' } : { ok: true, result }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the local Bot API has no TCP address');
  return {
    apiRoot: `http://127.0.0.1:${address.port}`,
    calls,
    sent: () => calls.filter((c) => c.method === 'sendMessage').map((c) => String(c.payload.text)),
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** The test bot's own account, as getMe answers: both frameworks take it up front. */
export const BOT_INFO: UserFromGetMe = {
  id: 424242,
  is_bot: true,
  first_name: 'Test',
  username: 'schema_kit_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

/** A private-chat text message from user `from`; a leading /command gets its entity. Typed as both
 * grammY's and Telegraf's `Update` accept it. */
export function textUpdate(update_id: number, from: number, text: string) {
  const command = /^\/\w+/.exec(text)?.[0];
  return {
    update_id,
    message: {
      message_id: update_id * 10,
      date: 1_764_150_000 + update_id,
      chat: { id: from, type: 'private' as const, first_name: 'Ada' },
      from: { id: from, is_bot: false, first_name: 'Ada' },
      text,
      entities: command ? [{ type: 'bot_command' as const, offset: 0, length: command.length }] : [],
    },
  };
}

/** A post in channel `chat`: no sender. */
export function channelPostUpdate(update_id: number, chat: number, text: string) {
  return { update_id, channel_post: { message_id: update_id * 10, date: 1_764_150_000 + update_id, chat: { id: chat, type: 'channel' as const, title: 'News' }, text } };
}

/**
 * A bot test file's fixture: the idempotency and sessions modules installed, the local Bot API
 * started for the file, and after each test its calls forgotten and the sessions and claims emptied.
 */
export function useBotFixture(): { database: () => InstalledDatabase; db: () => Kysely<Database>; api: () => LocalBotApi } {
  const database = useInstalledDatabase(['idempotency', 'sessions']);
  let api: LocalBotApi | undefined;
  beforeAll(async () => {
    api = await startBotApi();
  });
  afterEach(async () => {
    if (api) api.calls.length = 0;
    await sql`truncate schema_kit.sessions, schema_kit.processed_messages`.execute(database().owner.db);
  });
  afterAll(() => api?.close());
  return {
    database,
    db: () => database().db,
    api: () => {
      if (!api) throw new Error('useBotFixture(): the Bot API exists only inside tests and hooks');
      return api;
    },
  };
}
