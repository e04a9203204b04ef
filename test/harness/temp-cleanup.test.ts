import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

describe('the test run and the temp folder', () => {
  it('removes everything it created under the temp folder, an embedded cluster included', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'schema-kit-cleanup-check-'));
    chmodSync(temp, 0o755); // as root, the embedded server runs as postgres and must traverse it
    try {
      // a nested run of a file that starts embedded clusters, with its own temp folder
      const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
      const code = await new Promise<number | null>((done, fail) => {
        const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/cli/embedded.test.ts'], {
          cwd: ROOT,
          env: { ...env, TMPDIR: temp },
          stdio: 'ignore',
        });
        child.on('error', fail);
        child.on('close', done);
      });
      expect(code).toBe(0);
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  }, 180_000);
});
