import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/cli/run-command.js';
import type { MigrationResult } from '../../src/migrate/options.js';

const result: MigrationResult = { module: 'learning', migration: '0004_backfill', direction: 'Up', status: 'Planned', durationMs: 0, sql: '' };

describe('migrate progress lines', () => {
  it('shows a backfill\'s rows, a lock retry with its reason, and each finished migration', () => {
    expect(progressLine({ phase: 'start', result })).toBeUndefined();
    expect(progressLine({ phase: 'batch', result, rows: 25_000 })).toBe('  … learning/0004_backfill: 25000 row(s) backfilled');
    expect(progressLine({ phase: 'retry', result, attempt: 3, reason: 'canceling statement due to lock timeout' }))
      .toBe('  ↻ learning/0004_backfill: lock not available (canceling statement due to lock timeout); try 3');
    expect(progressLine({ phase: 'end', result: { ...result, status: 'Success', durationMs: 1234 } })).toBe('  ✓ learning/0004_backfill up (1.23 s)');
  });
});
