import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { waitFor } from '../helpers/wait.js';

/** Leaves `value` under `name` for other test files of this run. */
export function leaveNote(name: string, value: string): void {
  const dir = join(inject('runDir'), 'notes');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), value);
}

/**
 * Waits for another test file's note `name` and returns its value. The other file may start only
 * once a worker is free (a loaded machine runs the files before it slower): the wait is bounded by
 * HANG_LIMIT_MS (test/helpers/wait.ts), a guard, not a budget.
 */
export async function awaitNote(name: string): Promise<string> {
  const file = join(inject('runDir'), 'notes', name);
  await waitFor(() => existsSync(file), `note ${name} from the other test file`, { intervalMs: 50 });
  return readFileSync(file, 'utf8');
}
