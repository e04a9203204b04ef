/**
 * schema-kit for grammY bots: sessions on schema-kit's `sessions` table and exactly-once update
 * handling with replies sent after commit. grammY is an optional peer dependency of schema-kit.
 *
 * @packageDocumentation
 */
export { sessionStorage } from './session-storage.js';
export { exactlyOnce, type ExactlyOnceFlavor, type GrammyExactlyOnceOptions } from './exactly-once.js';
export { pruneExpiredSessions } from '../bots/prune-expired-sessions.js';
export type { SessionStoreOptions } from '../bots/session-store-options.js';
export type { ExactlyOnceOptions } from '../bots/exactly-once.js';
