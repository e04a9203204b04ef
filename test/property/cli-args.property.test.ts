import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args.js';
import { SchemaKitValidationError } from '../../src/errors.js';
import { MODULE_NAMES } from '../../src/modules.js';
import { hostileString } from './arbitraries.js';

const FLAGS = ['--database-url', '--schema', '--modules', '--lock-timeout', '--steps', '--dry-run', '--json', '--exit-code', '--help', '--version', '-h', '-v', '--bogus'];

describe('hostile input: CLI flags', () => {
  it('parses every command line into checked values or refuses it with a typed error', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('migrate', 'status', 'down', 'grants', ...FLAGS), hostileString), { maxLength: 8 }),
        fc.record({ DATABASE_URL: fc.option(hostileString, { nil: undefined }), SCHEMA_KIT_SCHEMA: fc.option(hostileString, { nil: undefined }) }),
        (argv, env) => {
          let args;
          try {
            args = parseCliArgs(argv, env);
          } catch (error) {
            expect(error).toBeInstanceOf(SchemaKitValidationError);
            return;
          }
          expect(args.schema).toMatch(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/);
          for (const module of args.modules ?? []) expect(MODULE_NAMES).toContain(module);
          if (args.steps !== undefined) expect(Number.isInteger(args.steps) && args.steps >= 1).toBe(true);
          if (args.lockTimeoutMs !== undefined) expect(Number.isInteger(args.lockTimeoutMs) && args.lockTimeoutMs >= 0).toBe(true);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
