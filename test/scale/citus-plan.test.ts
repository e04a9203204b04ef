import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useInstalledDatabase } from '../helpers/installed.js';

interface PlanRow {
  readonly table: string;
  readonly kind: 'distributed' | 'reference' | 'local';
  readonly column: string;
  readonly changes: string;
}

/** The Citus plan: the table between the citus-plan markers of docs/scale-out.md. */
function readPlan(): PlanRow[] {
  const text = readFileSync(new URL('../../docs/scale-out.md', import.meta.url), 'utf8');
  const block = /<!-- citus-plan:start -->\n([\s\S]*?)<!-- citus-plan:end -->/.exec(text)?.[1];
  if (!block) throw new Error('docs/scale-out.md has no citus-plan block');
  return block
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| table') && !line.startsWith('|---'))
    .map((line) => {
      const [table, kind, column, changes] = line.split('|').slice(1, -1).map((cell) => cell.trim()) as [string, PlanRow['kind'], string, string];
      return { table, kind, column, changes };
    });
}

describe('the Citus plan of docs/scale-out.md', () => {
  const database = useInstalledDatabase(['core', 'roles', 'audit', 'idempotency', 'interests', 'planning', 'learning', 'achievements', 'insights', 'telegram'], { as: 'owner' });
  const query = async <R>(text: string) => (await database().pool.query(text)).rows as R[];

  it('lists every installed table once, and every constraint a distribution breaks is named as changing', async () => {
    const plan = readPlan();
    const byTable = new Map(plan.map((row) => [row.table, row]));
    expect(plan.length).toBe(byTable.size);
    expect(plan.every((row) => ['distributed', 'reference', 'local'].includes(row.kind))).toBe(true);

    const tables = await query<{ name: string }>(`
      select relname as name from pg_class where relnamespace = 'schema_kit'::regnamespace
        and relkind in ('r', 'p') and not relispartition order by 1`);
    expect([...byTable.keys()].sort()).toEqual(tables.map((t) => t.name));

    const columns = await query<{ table: string; column: string }>(`
      select c.relname as table, a.attname as column from pg_attribute a join pg_class c on c.oid = a.attrelid
      where c.relnamespace = 'schema_kit'::regnamespace and a.attnum > 0 and not a.attisdropped`);
    const has = (table: string, column: string) => columns.some((c) => c.table === table && c.column === column);
    const problems: string[] = [];
    const unlessNamed = (row: PlanRow, name: string, why: string) => {
      if (!row.changes.includes(name)) problems.push(`${row.table}: ${name} ${why}, and the plan does not say it changes`);
    };

    for (const row of plan) {
      if (row.kind === 'distributed') {
        if (!row.column) problems.push(`${row.table}: distributed without a distribution column`);
        else if (!has(row.table, row.column) && !row.changes.includes(`gains a ${row.column} column`)) problems.push(`${row.table}: has no column ${row.column}`);
      } else if (row.column) {
        problems.push(`${row.table}: a ${row.kind} table has no distribution column`);
      }
    }

    // unique constraints and unique indexes must include the distribution column
    const uniques = await query<{ table: string; name: string; columns: string[] | null }>(`
      select c.relname as table, i.relname as name,
        (select array_agg(a.attname::text) from unnest(x.indkey) k join pg_attribute a on a.attrelid = c.oid and a.attnum = k) as columns
      from pg_index x join pg_class c on c.oid = x.indrelid join pg_class i on i.oid = x.indexrelid
      where c.relnamespace = 'schema_kit'::regnamespace and x.indisunique and not c.relispartition`);
    for (const u of uniques) {
      const row = byTable.get(u.table)!;
      if (row.kind === 'distributed' && !(u.columns ?? []).includes(row.column)) unlessNamed(row, u.name, `is unique without ${row.column}`);
    }

    // foreign keys: co-located distribution columns, or a reference table as the target
    const keys = await query<{ table: string; name: string; target: string; columns: string[]; targetColumns: string[] }>(`
      select c.relname as table, k.conname as name, t.relname as target,
        (select array_agg(a.attname::text) from unnest(k.conkey) n join pg_attribute a on a.attrelid = k.conrelid and a.attnum = n) as columns,
        (select array_agg(a.attname::text) from unnest(k.confkey) n join pg_attribute a on a.attrelid = k.confrelid and a.attnum = n) as "targetColumns"
      from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class t on t.oid = k.confrelid
      where k.contype = 'f' and c.relnamespace = 'schema_kit'::regnamespace and not c.relispartition`);
    for (const k of keys) {
      const from = byTable.get(k.table)!;
      const to = byTable.get(k.target)!;
      if (to.kind === 'reference' && from.kind !== 'local') continue;
      if (from.kind === 'distributed' && to.kind === 'distributed') {
        const at = k.columns.indexOf(from.column);
        if (at < 0 || k.targetColumns[at] !== to.column) unlessNamed(from, k.name, `joins ${k.target} without its distribution column`);
        continue;
      }
      unlessNamed(from, k.name, `points from a ${from.kind} table at a ${to.kind} one`);
    }
    expect(problems).toEqual([]);
  });
});
