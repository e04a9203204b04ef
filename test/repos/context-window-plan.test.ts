import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/index.js';
import { ConversationRepo } from '../../src/modules/learning/index.js';
import { useInstalledDatabase } from '../helpers/installed.js';

const BIG = 100_000; // messages of the conversation the windows are built from
const SMALL = 9_000; // other conversations, of 100 messages each: 1M messages in all
const TURN = 6; // user, assistant with 2 tool calls, 2 results, answer

/** The fill: every row given its seq, foreign keys skipped (consistent by construction). */
const FILL = [
  `insert into users (role) values ('public')`,
  `insert into conversations (id, user_id, last_message_seq)
     select ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, (select id from users), case when i = 0 then ${BIG} else 100 end
     from generate_series(0, ${SMALL}) i`,
  // the big conversation: seq 6t+1 .. 6t+6 is turn t
  `insert into messages (conversation_id, seq, role, content, tool_calls, tool_call_id, call_seq, model, input_tokens, output_tokens, cached_tokens, tokens_used)
     select '00000000-0000-4000-8000-000000000000', s,
       (array['user', 'assistant', 'tool', 'tool', 'assistant', 'user'])[k],
       'message ' || s,
       case when k = 2 then jsonb_build_array(jsonb_build_object('id', 'c' || s || 'a', 'name', 'lookup', 'arguments', '{}'::jsonb),
                                              jsonb_build_object('id', 'c' || s || 'b', 'name', 'lookup', 'arguments', '{}'::jsonb)) end,
       case when k = 3 then 'c' || (s - 1) || 'a' when k = 4 then 'c' || (s - 2) || 'b' end,
       case when k = 3 then s - 1 when k = 4 then s - 2 end,
       case when k in (2, 5) then 'model-' || (s % 3) end,
       case when k in (2, 5) then 900 end, case when k in (2, 5) then 40 end, case when k in (2, 5) then 300 end,
       40 + s % 20
     from generate_series(1, ${BIG}) s, lateral (select (s - 1) % ${TURN} + 1 as k) turn`,
  `insert into message_tool_calls (conversation_id, call_id, seq)
     select conversation_id, c ->> 'id', seq from messages, jsonb_array_elements(tool_calls) c where tool_calls is not null`,
  `insert into messages (conversation_id, seq, role, content, tokens_used)
     select c.id, s, case when s % 2 = 1 then 'user' else 'assistant' end, 'hi', 10
     from conversations c, generate_series(1, 100) s where c.last_message_seq = 100`,
  `insert into conversation_usage (conversation_id, model, input_tokens, output_tokens, cached_tokens, message_count)
     select c.id, 'model-' || m, 1000, 100, 10, 3 from conversations c, generate_series(0, 2) m`,
  `insert into conversation_summaries (conversation_id, through_seq, content, token_count)
     select c.id, 50, 'summary', 30 from conversations c where c.last_message_seq = 100`,
  'analyze',
];

const BIG_ID = '00000000-0000-4000-8000-000000000000';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

const nodesOf = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];

/** The index a scan of a table reads through (a bitmap heap scan's is its bitmap index scan's), or undefined. */
const indexOf = (scan: PlanNode): string | undefined =>
  scan['Node Type'] === 'Bitmap Heap Scan' ? scan.Plans?.find((n) => n['Node Type'] === 'Bitmap Index Scan')?.['Index Name'] : scan['Index Name'];

describe(`the context window on ${BIG + SMALL * 100} messages`, () => {
  const database = useInstalledDatabase(['learning'], { as: 'owner' });
  let captured: CompiledQuery[] = [];
  let logged: Kysely<Database>;

  beforeAll(async () => {
    const client = await database().pool.connect();
    try {
      await client.query('set search_path = schema_kit');
      await client.query('set session_replication_role = replica');
      for (const statement of FILL) await client.query(statement);
      expect((await client.query('select count(*)::int as n from messages')).rows[0].n).toBe(BIG + SMALL * 100);
    } finally {
      client.release(true);
    }
    const { pool } = database();
    logged = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: { connect: () => pool.connect(), end: async () => undefined } }),
      log: (event) => void captured.push(event.query),
    });
  }, 600_000);

  /** Runs `call`, then EXPLAIN ANALYZEs the one statement it sent; returns the plan's nodes. */
  async function plan(call: (repo: ConversationRepo) => Promise<unknown>): Promise<PlanNode[]> {
    captured = [];
    await call(new ConversationRepo(logged));
    expect(captured).toHaveLength(1);
    const [{ sql, parameters }] = captured as [CompiledQuery];
    const { rows } = await database().pool.query(`explain (analyze, format json) ${sql}`, parameters as unknown[]);
    return nodesOf((rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan);
  }

  /** How many rows the plan read from `table`. */
  const rowsRead = (nodes: PlanNode[], table: string) =>
    nodes.filter((n) => n['Relation Name'] === table).reduce((sum, n) => sum + (n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1), 0);

  it.each([
    ['a 100k-message conversation without a summary', BIG_ID, 4_000],
    ['a 100k-message conversation, a budget of 100k tokens', BIG_ID, 100_000],
    ['a conversation with a summary', '00000000-0000-4000-8000-000000000007', 300],
  ])('reads %s through indexes, and only the messages it returns', async (_name, id, maxTokens) => {
    let window: Awaited<ReturnType<ConversationRepo['contextWindow']>> | undefined;
    const nodes = await plan(async (repo) => (window = await repo.contextWindow(id, { maxTokens })));
    const described = JSON.stringify(nodes.map((n) => [n['Node Type'], n['Relation Name'], n['Index Name'], n['Actual Rows'], n['Actual Loops']]));
    expect(nodes.filter((n) => n['Node Type'] === 'Seq Scan'), described).toEqual([]);
    for (const table of ['messages', 'conversation_summaries', 'conversation_usage', 'conversations']) {
      const scans = nodes.filter((n) => n['Relation Name'] === table);
      expect(scans.length, `${table}: ${described}`).toBeGreaterThan(0);
      for (const scan of scans) expect(indexOf(scan), `${table}: ${described}`).toBeTruthy();
    }
    expect(nodes.filter((n) => n['Relation Name'] === 'conversation_usage').map(indexOf), described).toEqual(['conversation_usage_pkey']);
    expect(nodes.some((n) => n['Index Name'] === 'conversation_summaries_conversation_id_id_idx'), described).toBe(true);
    expect(nodes.some((n) => n['Node Type'] === 'Index Only Scan' && n['Index Name'] === 'messages_conversation_id_seq_key'), described).toBe(true);
    // the walk stops at the budget: it reads the messages it returns and the one that did not fit,
    // twice (walk, then the rows themselves), never the conversation's 100k
    const returned = window!.messages.length;
    expect(returned).toBeGreaterThan(0);
    expect(window!.usage).toHaveLength(3);
    expect(rowsRead(nodes, 'messages'), described).toBeLessThanOrEqual(2 * (returned + 1) + 2);
  });
});
