/** The sessions module: its table, input schemas and repository. */

export { type SessionsTable, type Session, type NewSession, type SessionUpdate } from './tables.js';
export { sessionKeySchema, sessionTtlSchema } from './validation.js';
export { SessionRepo } from './session-repo.js';
export { sessionsModule } from './descriptor.js';
