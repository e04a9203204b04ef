/**
 * schema-kit for Telegraf bots: a session store on schema-kit's `sessions` table and exactly-once
 * update handling with replies sent after commit. Telegraf is an optional peer dependency of schema-kit.
 *
 * @packageDocumentation
 */
export { sessionStore } from './session-store.js';
export { exactlyOnce, type ExactlyOnceContext, type TelegrafExactlyOnceOptions } from './exactly-once.js';
export { pruneExpiredSessions } from '../bots/prune-expired-sessions.js';
export type { SessionStoreOptions } from '../bots/session-store-options.js';
export type { ExactlyOnceOptions } from '../bots/exactly-once.js';
