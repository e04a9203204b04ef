import { describe, expect, it } from 'vitest';
import { lint, rulesOf } from './lint-helpers.js';
import { lintPlan } from '../../../src/migrate/lint/lint-plan.js';
import { testCatalog, migrationText } from '../../helpers/catalog.js';

const T = ':SCHEMA_KIT_SCHEMA.messages';

describe('lintMigration: ALTER TABLE clauses, new tables, markers and directives', () => {
  it('a multi-clause ALTER TABLE gives one finding per lock-heavy clause, each on the statement line', () => {
    const up = `-- comment\nALTER TABLE ${T}\n  ADD COLUMN seq integer,\n  ADD COLUMN size integer GENERATED ALWAYS AS (char_length(content)) STORED,\n  ADD CONSTRAINT messages_seq_check CHECK (seq > 0),\n  ADD CONSTRAINT messages_size_check CHECK (size >= 0) NOT VALID,\n  ALTER COLUMN content SET NOT NULL;`;
    expect(lint(up).map((f) => `${f.line} ${f.rule}`)).toEqual(['3 stored-generated-column', '3 constraint-without-not-valid', '3 set-not-null']);
    expect(lint(up)[0]!.statement).toBe(up.slice(up.indexOf('ALTER'), -1));
  });

  it('commas inside parentheses or strings do not split clauses', () => {
    expect(rulesOf(`ALTER TABLE ${T} ADD CONSTRAINT c CHECK (kind IN ('a,b', 'c')) NOT VALID, ADD COLUMN note text DEFAULT 'x, y';`)).toEqual([]);
  });

  it('tables the file creates are new: never flagged, renamed or not; tables named new by the context neither', () => {
    const up = `CREATE TABLE IF NOT EXISTS :SCHEMA_KIT_SCHEMA.messages_new (id int);\nCREATE INDEX messages_new_id_idx ON :SCHEMA_KIT_SCHEMA.messages_new (id);\nALTER TABLE :SCHEMA_KIT_SCHEMA.messages_new RENAME TO messages_next;\nALTER TABLE :SCHEMA_KIT_SCHEMA.messages_next ALTER COLUMN id SET NOT NULL;\nUPDATE :SCHEMA_KIT_SCHEMA.messages_next SET id = 1;`;
    expect(rulesOf(up)).toEqual([]);
    expect(rulesOf(`ALTER TABLE ${T} ALTER COLUMN id SET NOT NULL;`, { newTables: ['messages'] })).toEqual([]);
    // markers are judged on the file alone: not stale because this run happens to create the table
    expect(rulesOf(`-- schema-kit:lock-heavy proven by a CHECK\nALTER TABLE ${T} ALTER COLUMN id SET NOT NULL;`, { newTables: ['messages'] })).toEqual([]);
    expect(rulesOf(`CREATE INDEX CONCURRENTLY i ON ${T} (id);`, { newTables: ['messages'] })).toEqual(['concurrently-in-transaction messages']);
    // a table created after the statement existed before it
    expect(rulesOf(`UPDATE ${T} SET seq = 0;\nDROP TABLE ${T};\nCREATE TABLE ${T} (seq int);`)).toEqual(['unbatched-dml messages']);
  });

  it('lintPlan: a table created by an earlier migration of the same run is new for the later ones, and the indexes built on it', () => {
    const [module] = testCatalog({ app: { files: {
      '0001_messages': migrationText(`CREATE TABLE ${T} (id int);\nCREATE INDEX messages_id_idx ON ${T} (id);`, `DROP TABLE ${T};`),
      '0002_messages_seq': migrationText(`ALTER TABLE ${T} ADD COLUMN seq int CHECK (seq > 0);\nDROP INDEX :SCHEMA_KIT_SCHEMA.messages_id_idx;`, `ALTER TABLE ${T} DROP COLUMN seq;`),
    } } });
    const [first, second] = module!.migrations;
    expect([...lintPlan([first!, second!]).values()]).toEqual([[], []]);
    expect(lintPlan([second!]).get(second!)!.map((f) => f.rule)).toEqual(['constraint-without-not-valid', 'drop-index']);
  });

  it('a marker without a reason is a finding, and allows nothing', () => {
    expect(lint(`-- schema-kit:lock-heavy\nALTER TABLE ${T} ALTER COLUMN seq SET NOT NULL;`).map((f) => `${f.line} ${f.rule} ${f.allowed}`))
      .toEqual(['2 marker-without-reason false', '3 set-not-null false']);
  });

  it('a marker allows every finding of its statement, never a finding no marker can allow', () => {
    const findings = lint(`-- schema-kit:lock-heavy messages is empty on every install that has it\nALTER TABLE ${T} ALTER COLUMN seq TYPE bigint, ALTER COLUMN seq SET NOT NULL;`);
    expect(findings.map((f) => `${f.rule} ${f.allowed}`)).toEqual(['alter-column-type true', 'set-not-null true']);
    expect(rulesOf(`-- schema-kit:lock-heavy no choice\nCREATE INDEX CONCURRENTLY i ON ${T} (id);`)).toEqual(['stale-marker', 'concurrently-in-transaction messages']);
  });

  it('stale markers: before a statement with nothing to allow, inside a statement, after the last one', () => {
    expect(lint(`-- schema-kit:lock-heavy new table\nCREATE TABLE ${T} (id int);`)).toMatchObject([{ rule: 'stale-marker', line: 2, allowed: false }]);
    expect(rulesOf(`ALTER TABLE ${T}\n  -- schema-kit:lock-heavy inside\n  ALTER COLUMN seq SET NOT NULL;`)).toEqual(['set-not-null messages', 'stale-marker']);
    expect(lint(`CREATE TABLE ${T} (id int);\n-- schema-kit:lock-heavy at the end`)).toMatchObject([{ rule: 'stale-marker', line: 3 }]);
  });

  it('batch and each directives work only outside a transaction; an unknown directive is a finding', () => {
    expect(rulesOf(`-- schema-kit:batch\nSELECT :SCHEMA_KIT_SCHEMA.backfill(5000);`)).toEqual(['directive-in-transaction']);
    expect(rulesOf(`-- schema-kit:each\nSELECT 'select 1';`)).toEqual(['directive-in-transaction']);
    expect(rulesOf(`-- schema-kit:each\nSELECT 'select 1';`, { noTransaction: true })).toEqual([]);
    expect(rulesOf(`-- schema-kit:lockheavy typo\nALTER TABLE ${T} ALTER COLUMN seq SET NOT NULL;`)).toEqual(['unknown-directive', 'set-not-null messages']);
    expect(rulesOf(`-- schema-kit:no-transaction\nCREATE TABLE ${T} (id int);`)).toEqual(['unknown-directive']);
    // the runner reads a batch or each directive only alone on its line
    expect(rulesOf(`-- schema-kit:batch 5000\nUPDATE ${T} SET seq = 0;`, { noTransaction: true })).toEqual(['unknown-directive', 'unbatched-dml messages']);
  });

  it('reports file lines, with a no-transaction header too, and the statement without its comments', () => {
    const findings = lint(`CREATE TABLE t (id int);\n\n-- why\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON ${T} (id);\n\nDROP INDEX i2;`, { noTransaction: true });
    expect(findings).toMatchObject([{ rule: 'drop-index', line: 8, statement: 'DROP INDEX i2', table: 'i2' }]);
  });
});
