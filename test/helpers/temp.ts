import { chmodSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

/**
 * A new folder inside this test run's own temporary folder, which the run removes when it ends,
 * whatever the test does. Readable by all: as root, an embedded server runs as postgres and must
 * traverse it.
 */
export function tempFolder(prefix: string): string {
  const folder = mkdtempSync(join(inject('runDir'), prefix));
  chmodSync(folder, 0o755);
  return folder;
}
