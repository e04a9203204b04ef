// The module descriptors hold today's truth of the lifecycle module, so that it can read them
// instead of its own lists (issue 28, phase 2) without changing what it erases or partitions.
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql, type RawBuilder } from 'kysely';
import { describe, expect, it } from 'vitest';
import { APPEND_ONLY_TABLES, DEFAULT_MONTHS_AHEAD, MODULES, PARTITIONED_TABLES, type ModuleDescriptor, type PersonalData } from '../../src/index.js';
import { PSEUDONYMIZED_LOGS, USER_OWNED_TABLES } from '../../src/modules/lifecycle/forget-user.js';

const compiler = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** The rows of the user `user` (known by `ids`) that a personal-data entry reaches, as forgetUser selects them. */
function reached(entry: PersonalData, schema: string, user: string, ids: readonly string[]): RawBuilder<unknown> {
  const { reach } = entry;
  switch (reach.by) {
    case 'self':
      return sql`id = ${user}::uuid`;
    case 'user_id':
      return sql`user_id = ${user}::uuid`;
    case 'identifier':
      return sql.join(reach.columns.map((column) => sql`${sql.raw(column)} = any(${[...ids]}::text[])`), sql` or `);
    case 'parent':
      return sql`${sql.raw(reach.column)} in (select id from ${sql.id(schema, reach.table)} where user_id = ${user}::uuid)`;
  }
}

const text = (query: RawBuilder<unknown>) => {
  const { sql: statement, parameters } = query.compile(compiler);
  return { statement, parameters };
};

const modules: readonly ModuleDescriptor[] = MODULES;
const personal = modules.flatMap((m) => m.personalData);

describe('the descriptors and the lifecycle module agree', () => {
  it("deleted personal data: the tables of forgetUser's USER_OWNED_TABLES, each reached the same way", () => {
    const deleted = personal.filter((p) => p.erasure === 'delete');
    expect(deleted.map((p) => p.table).sort()).toEqual(USER_OWNED_TABLES.map((t) => t.table).sort());
    for (const owned of USER_OWNED_TABLES) {
      const entry = deleted.find((p) => p.table === owned.table)!;
      expect(text(reached(entry, 's', 'U', ['a', 'b'])), owned.table).toEqual(text(owned.where('s', 'U', ['a', 'b'])));
    }
  });

  it('deleted personal data: modules in reverse dependency order delete children before their parents, users last', () => {
    const order = [...modules].reverse().flatMap((m) => m.personalData.filter((p) => p.erasure === 'delete'));
    order.forEach((entry, i) => {
      if (entry.reach.by === 'parent') expect(order.findIndex((p) => p.table === (entry.reach as { table: string }).table), entry.table).toBeGreaterThan(i);
    });
    expect(order.at(-1)?.table).toBe('users');
  });

  it('masked personal data: the pseudonymized logs, which are append-only', () => {
    const masked = [...new Set(personal.filter((p) => p.erasure === 'mask').map((p) => p.table))];
    expect(masked.sort()).toEqual([...PSEUDONYMIZED_LOGS].sort());
    expect([...APPEND_ONLY_TABLES].sort()).toEqual(masked);
  });

  it('partitioned logs: PARTITIONED_TABLES with their keys, kept DEFAULT_MONTHS_AHEAD months ahead', () => {
    const logs = modules.flatMap((m) => m.partitionedLogs);
    expect(Object.fromEntries(logs.map((l) => [l.table, l.partitionKey]))).toEqual(PARTITIONED_TABLES);
    expect(logs.map((l) => l.monthsAhead)).toEqual(logs.map(() => DEFAULT_MONTHS_AHEAD));
  });
});
