import { describe, expect, it } from 'vitest';
import { hintFor } from '../../src/cli/failure.js';

/** Every code a schema-kit command can fail with, from the errors the library raises (src/errors.ts, database-errors.ts). */
const CODES = [
  'connection', 'embedded_unavailable', 'missing_dependency', 'lock_timeout', 'checksum_mismatch', 'missing_migration',
  'database_ahead', 'migration_failed', 'not_installed', 'down_blocked', 'confirmation_required', 'unexpected', 'timeout',
  'serialization_failure', 'contention', 'outcome_unknown', 'permission_denied', 'user_forgotten',
];

describe('the hint line of a failed command', () => {
  it('says what to do for every code, not only "run again with --verbose"', () => {
    for (const code of CODES) expect(hintFor(code, 'migrate'), code).not.toBe('run again with --verbose for details');
  });

  it('points a usage or validation failure at the command\'s help', () => {
    expect(hintFor('validation', 'forget')).toBe('see schema-kit forget --help');
    expect(hintFor('usage', undefined)).toBe('see schema-kit --help');
  });
});
