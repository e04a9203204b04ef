import { defineModule, table } from '../../module-descriptor.js';
import { shippedMigrations } from '../../migrate/migration-source.js';
import type { SessionsTable } from './tables.js';

/**
 * The sessions module, as the shared machinery reads it. A session is personal data: its key is by
 * default the chat's id (in a private chat, the user's Telegram id, one of the user's identifiers)
 * and its value is whatever the bot keeps about the chat. Erasure deletes the sessions whose key is
 * one of the user's identifiers; a host whose keys carry a prefix passes the prefixed keys to
 * `forgetUser` as `identifiers`.
 */
export const sessionsModule = defineModule({
  name: 'sessions',
  dependsOn: [],
  summary: 'sessions: bot session values by key (grammY, Telegraf), with an optional expiry',
  migrations: shippedMigrations('sessions'),
  tables: { sessions: table<SessionsTable>() },
  vocabularies: {},
  appendOnlyLogs: [],
  partitionedLogs: [],
  personalData: [{ table: 'sessions', reach: { by: 'identifier', columns: ['key'] }, erasure: 'delete', columns: ['key', 'value'] }],
  functions: {},
});
