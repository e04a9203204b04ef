import { SchemaKitValidationError } from '../errors.js';

/** The schema schema-kit installs into unless told otherwise. */
export const DEFAULT_SCHEMA = 'schema_kit';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Checks that `name` is a plain PostgreSQL identifier (letters, digits, `_`, at most 63 bytes, not
 * `pg_*`) and returns it; throws {@link SchemaKitValidationError} naming `field` otherwise. A
 * checked name is still always double-quoted in SQL.
 */
export function validateSchemaName(name: unknown, field = 'schema'): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new SchemaKitValidationError(
      field,
      `${JSON.stringify(name)} is not a valid schema name (letters, digits and _, starting with a letter or _, at most 63 characters)`,
    );
  }
  if (name.toLowerCase().startsWith('pg_')) {
    throw new SchemaKitValidationError(field, `${JSON.stringify(name)} is reserved: names starting with pg_ belong to PostgreSQL`);
  }
  return name;
}

/** Double-quotes a validated identifier for SQL. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
