import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SchemaKitConflictError, SchemaKitValidationError } from '../../../src/index.js';
import { InterfaceEvolutionRepo } from '../../../src/modules/insights/index.js';
import { createUser, useInstalledDatabase } from '../../helpers/installed.js';

describe('InterfaceEvolutionRepo', () => {
  const database = useInstalledDatabase(['insights']);
  const evolution = () => new InterfaceEvolutionRepo(database().db);
  const count = async () => (await sql<{ n: number }>`select count(*)::int as n from schema_kit.interface_evolution_log`.execute(database().db)).rows[0]!.n;

  it('records increasing versions per user with their JSON changes, and reads the latest', async () => {
    const [ada, bob] = [await createUser(database()), await createUser(database())];
    expect(await evolution().latest(ada)).toBeUndefined();
    expect(await evolution().record(ada, { theme: 'dark' })).toMatchObject({ user_id: ada, version: 1, changes: { theme: 'dark' } });
    expect((await evolution().record(ada, ['hints:fewer'])).version).toBe(2);
    expect((await evolution().record(bob, { theme: 'light' })).version).toBe(1);
    expect(await evolution().latest(ada)).toMatchObject({ version: 2, changes: ['hints:fewer'] });
  });

  it('gives 20 concurrent records distinct increasing versions, also inside host transactions', async () => {
    const user = await createUser(database());
    const rows = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2
          ? evolution().record(user, { i })
          : database().db.transaction().execute((trx) => new InterfaceEvolutionRepo(trx).record(user, { i })),
      ),
    );
    expect(rows.map((r) => r.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await evolution().latest(user))!.version).toBe(20);
  });

  it('pages the history, newest version first', async () => {
    const user = await createUser(database());
    for (let i = 0; i < 7; i += 1) await evolution().record(user, { step: i });
    const seen = [];
    let after: string | null = null;
    do {
      const page = await evolution().history(user, { limit: 3, ...(after ? { after } : {}) });
      seen.push(...page.items.map((r) => r.version));
      after = page.next;
    } while (after);
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);
  });

  it('refuses an unknown user with a conflict naming the foreign key', async () => {
    const error = await evolution().record('00000000-0000-4000-8000-000000000000', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitConflictError);
    expect((error as SchemaKitConflictError).constraint).toBe('interface_evolution_log_user_id_fkey');
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const user = await createUser(database());
    const before = await count();
    const cases: [() => Promise<unknown>, string][] = [
      [() => evolution().record('me', {}), 'userId'],
      [() => evolution().record(user, undefined), 'changes'],
      [() => evolution().record(user, { at: new Date() }), 'changes.at'],
      [() => evolution().record(user, { n: Number.POSITIVE_INFINITY }), 'changes.n'],
      [() => evolution().record(user, { s: 'x\u0000' }), 'changes.s'],
      [() => evolution().history(user, { after: '7' }), 'options.after'],
      [() => evolution().latest(''), 'userId'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect(await count()).toBe(before);
  });
});
