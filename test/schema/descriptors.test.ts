// The lifecycle module reads the module descriptors (issue 28, phase 2): what it erases and
// partitions for schema-kit's modules is what its own lists said before, table for table.
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type RawBuilder } from 'kysely';
import { describe, expect, it } from 'vitest';
import { APPEND_ONLY_TABLES, DEFAULT_MONTHS_AHEAD, MODULES, PARTITIONED_TABLES, type ModuleDescriptor } from '../../src/index.js';
import { deletedPersonalData, maskingsOf, reached } from '../../src/modules/lifecycle/forget-user.js';

const compiler = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

const text = (query: RawBuilder<unknown>) => {
  const { sql: statement, parameters } = query.compile(compiler);
  return { statement, parameters };
};

const modules: readonly ModuleDescriptor[] = MODULES;
const inConversations = '"conversation_id" in (select id from "s"."conversations" where user_id = $1::uuid)';

describe("forgetUser and the partitions read the descriptors of schema-kit's modules", () => {
  it('deletes the rows of the tables it deleted before, each reached the same way, children before their parents, users last', () => {
    const deleted = deletedPersonalData(modules).map((entry) => [entry.table, text(reached(entry, 's', 'U', ['a', 'b'])).statement]);
    expect(Object.fromEntries(deleted)).toEqual({
      sessions: '"key" = any($1::text[])',
      messages: inConversations,
      message_tool_calls: inConversations,
      conversation_summaries: inConversations,
      conversation_usage: inConversations,
      dissonance_records: 'user_id = $1::uuid',
      conversations: 'user_id = $1::uuid',
      user_exercises: 'user_id = $1::uuid',
      user_memory: 'user_id = $1::uuid',
      user_interests: 'user_id = $1::uuid',
      user_achievements: 'user_id = $1::uuid',
      interface_evolution_log: 'user_id = $1::uuid',
      user_guide_collections: 'user_id = $1::uuid',
      broadcast_audience_users: 'user_id = $1::uuid',
      user_context: '"user_id" = any($1::text[])',
      users: 'id = $1::uuid',
    });
    const order = deleted.map(([table]) => table);
    expect(order.indexOf('messages')).toBeLessThan(order.indexOf('conversations'));
    expect(order.at(-1)).toBe('users');
  });

  it("masks the append-only logs through their modules' pseudonymization functions", () => {
    expect(maskingsOf(modules)).toEqual([
      { table: 'event_log', name: 'event_log_pseudonymize', args: ['text[]', 'text'] },
      { table: 'user_role_change_log', name: 'user_role_change_log_pseudonymize', args: ['uuid', 'text[]', 'text'] },
    ]);
    expect([...APPEND_ONLY_TABLES].sort()).toEqual(maskingsOf(modules).map((m) => m.table));
  });

  it('partitions the logs it partitioned before, kept 3 months ahead', () => {
    expect(PARTITIONED_TABLES).toEqual({ event_log: 'created_at', user_role_change_log: 'changed_at' });
    expect(modules.flatMap((m) => m.partitionedLogs.map((l) => l.monthsAhead))).toEqual([DEFAULT_MONTHS_AHEAD, DEFAULT_MONTHS_AHEAD]);
  });
});
