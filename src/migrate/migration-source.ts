import { createHash } from 'node:crypto';
import { MIGRATION_SOURCES } from '../generated/migrations.js';
import type { MigrationFile } from '../module-descriptor.js';
import { quoteIdentifier } from './schema-name.js';

/** The placeholder migrations use for the target schema; substituted with the quoted name. */
export const SCHEMA_PLACEHOLDER = ':SCHEMA_KIT_SCHEMA';

const UP_MARKER = '-- schema-kit:up';
const DOWN_MARKER = '-- schema-kit:down';
const NO_TRANSACTION_MARKER = '-- schema-kit:no-transaction';
const CREATE_TABLE = /create\s+table\s+(?:if\s+not\s+exists\s+)?:SCHEMA_KIT_SCHEMA\.(\w+)/gi;
const CREATE_TRIGGER = /CREATE\s+TRIGGER\s+"?(\w+)"?/gi;

/** One migration file, parsed: its up and down SQL (with the placeholder), checksum and mode. */
export interface Migration {
  readonly module: string;
  /** The file name without `.sql`, e.g. `0001_users`. */
  readonly name: string;
  readonly up: string;
  /** The line of the file (from 1) on which `up` starts. */
  readonly upLine: number;
  readonly down: string;
  /** False when the file opts out of the per-migration transaction. */
  readonly transactional: boolean;
  /** sha256 of the file text with line endings normalised. */
  readonly checksum: string;
  /** The tables its up creates (and its down drops). */
  readonly tables: readonly string[];
  /** The triggers its up creates, by name (on its own tables, or on another module's: consumers' NOTIFY on event_log). */
  readonly triggers: readonly string[];
}

/** Parses the text of `migrations/<module>/<name>.sql` into a {@link Migration}. */
export function parseMigration(module: string, name: string, text: string): Migration {
  const normalised = text.replace(/\r\n/g, '\n');
  const upAt = normalised.indexOf(UP_MARKER);
  const downAt = normalised.indexOf(DOWN_MARKER);
  if (upAt < 0 || downAt < upAt) {
    throw new Error(`migrations/${module}/${name}.sql: expected '${UP_MARKER}' followed by '${DOWN_MARKER}'`);
  }
  const rawUp = normalised.slice(upAt + UP_MARKER.length, downAt);
  const up = rawUp.trim();
  const upStart = upAt + UP_MARKER.length + rawUp.length - rawUp.trimStart().length;
  return {
    module,
    name,
    up,
    upLine: normalised.slice(0, upStart).split('\n').length,
    down: normalised.slice(downAt + DOWN_MARKER.length).trim(),
    transactional: !normalised.slice(0, upAt).includes(NO_TRANSACTION_MARKER),
    checksum: createHash('sha256').update(normalised).digest('hex'),
    tables: [...up.matchAll(CREATE_TABLE)].map((match) => match[1] as string),
    triggers: [...new Set([...up.matchAll(CREATE_TRIGGER)].map((match) => match[1] as string))],
  };
}

/** Substitutes the schema placeholder in `sql` with the double-quoted, validated `schema`. */
export function renderSql(sql: string, schema: string): string {
  return sql.split(SCHEMA_PLACEHOLDER).join(quoteIdentifier(schema));
}

/** The migrations schema-kit ships for `module`, inlined from `migrations/<module>/` by `npm run gen:sql`. */
export function shippedMigrations(module: string): readonly MigrationFile[] {
  return MIGRATION_SOURCES[module] ?? [];
}
