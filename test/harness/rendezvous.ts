import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

/** Leaves `value` under `name` for other test files of this run. */
export function leaveNote(name: string, value: string): void {
  const dir = join(inject('runDir'), 'notes');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), value);
}

/** Waits (polling, up to `timeoutMs`) for another test file's note `name` and returns its value. */
export async function awaitNote(name: string, timeoutMs = 50_000): Promise<string> {
  const file = join(inject('runDir'), 'notes', name);
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`no note ${name} from the other test file within ${timeoutMs} ms`);
    await new Promise((resume) => setTimeout(resume, 50));
  }
  return readFileSync(file, 'utf8');
}
