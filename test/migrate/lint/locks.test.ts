import { describe, expect, it } from 'vitest';
import { lint, rulesOf } from './lint-helpers.js';

const T = ':SCHEMA_KIT_SCHEMA.messages';

describe('lintMigration: statements that hold a strong lock on an existing table', () => {
  it('create-index: without CONCURRENTLY; CONCURRENTLY outside a transaction and ON ONLY a partitioned parent are fine', () => {
    expect(rulesOf(`CREATE INDEX messages_seq_idx ON ${T} (seq);`)).toEqual(['create-index messages']);
    expect(rulesOf(`CREATE UNIQUE INDEX IF NOT EXISTS messages_seq_idx ON ONLY ${T} (seq);`)).toEqual([]);
    expect(lint(`CREATE INDEX ON ${T} (seq);`)[0]).toMatchObject({ rule: 'create-index', lock: 'SHARE', rewrites: false });
    expect(rulesOf(`CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_seq_idx ON ${T} (seq);`, { noTransaction: true })).toEqual([]);
  });

  it('concurrently-in-transaction: CREATE or DROP INDEX CONCURRENTLY in a transactional file, never allowed', () => {
    const up = `-- schema-kit:lock-heavy tried anyway\nCREATE INDEX CONCURRENTLY messages_seq_idx ON ${T} (seq);\nDROP INDEX CONCURRENTLY :SCHEMA_KIT_SCHEMA.messages_old_idx;`;
    expect(rulesOf(up)).toEqual(['stale-marker', 'concurrently-in-transaction messages', 'concurrently-in-transaction messages_old_idx']);
    // on a table the file creates too: PostgreSQL refuses the statement whatever the table
    expect(rulesOf(`CREATE TABLE ${T} (seq int);\nCREATE INDEX CONCURRENTLY messages_seq_idx ON ${T} (seq);`)).toEqual(['concurrently-in-transaction messages']);
    expect(rulesOf(`DROP INDEX CONCURRENTLY IF EXISTS :SCHEMA_KIT_SCHEMA.messages_old_idx;`, { noTransaction: true })).toEqual([]);
  });

  it('constraint-without-not-valid: CHECK and FOREIGN KEY, also inline on ADD COLUMN; NOT VALID is fine', () => {
    expect(rulesOf(`ALTER TABLE ${T} ADD CONSTRAINT messages_seq_check CHECK (seq > 0);`)).toEqual(['constraint-without-not-valid messages']);
    const fk = lint(`ALTER TABLE ${T} ADD CONSTRAINT messages_user_fkey FOREIGN KEY (user_id) REFERENCES :SCHEMA_KIT_SCHEMA.users (id);`);
    expect(fk).toMatchObject([{ rule: 'constraint-without-not-valid', table: 'messages', lock: 'SHARE ROW EXCLUSIVE' }]);
    expect(fk[0]!.message).toContain('messages and users');
    expect(rulesOf(`ALTER TABLE ${T} ADD COLUMN size integer CHECK (size >= 0);`)).toEqual(['constraint-without-not-valid messages']);
    expect(rulesOf(`ALTER TABLE ${T} ADD COLUMN user_id uuid REFERENCES :SCHEMA_KIT_SCHEMA.users (id);`)).toEqual(['constraint-without-not-valid messages']);
    expect(rulesOf(`ALTER TABLE ${T} ADD CONSTRAINT messages_seq_check CHECK (seq > 0) NOT VALID;`)).toEqual([]);
    expect(rulesOf(`ALTER TABLE ${T} ADD CONSTRAINT messages_user_fkey FOREIGN KEY (user_id) REFERENCES :SCHEMA_KIT_SCHEMA.users (id) NOT VALID;`)).toEqual([]);
  });

  it('constraint-builds-index: UNIQUE, PRIMARY KEY, EXCLUDE not USING INDEX; USING INDEX is fine', () => {
    expect(rulesOf(`ALTER TABLE ${T} ADD CONSTRAINT messages_seq_key UNIQUE (conversation_id, seq);`)).toEqual(['constraint-builds-index messages']);
    expect(rulesOf(`ALTER TABLE ${T} ADD PRIMARY KEY (id);`)).toEqual(['constraint-builds-index messages']);
    expect(rulesOf(`ALTER TABLE ${T} ADD CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&);`)).toEqual(['constraint-builds-index messages']);
    expect(rulesOf(`ALTER TABLE ${T} ADD COLUMN code text UNIQUE;`)).toEqual(['constraint-builds-index messages']);
    expect(rulesOf(`ALTER TABLE ${T} ADD CONSTRAINT messages_seq_key UNIQUE USING INDEX messages_seq_idx;`)).toEqual([]);
  });

  it('validate-in-transaction: VALIDATE CONSTRAINT in a transactional file; outside one it is the online way', () => {
    expect(lint(`ALTER TABLE ${T} VALIDATE CONSTRAINT messages_seq_check;`)).toMatchObject([{ rule: 'validate-in-transaction', lock: 'SHARE UPDATE EXCLUSIVE' }]);
    expect(rulesOf(`ALTER TABLE ${T} VALIDATE CONSTRAINT messages_seq_check;`, { noTransaction: true })).toEqual([]);
  });

  it('set-not-null: flagged; a marker with its reason allows it', () => {
    expect(rulesOf(`ALTER TABLE ${T} ALTER COLUMN seq SET NOT NULL;`)).toEqual(['set-not-null messages']);
    const allowed = lint(`-- proven first\n-- schema-kit:lock-heavy SET NOT NULL proven by validated CHECK messages_seq_not_null: no scan\nALTER TABLE ${T} ALTER COLUMN seq SET NOT NULL;`);
    expect(allowed).toMatchObject([{ rule: 'set-not-null', allowed: true, reason: 'SET NOT NULL proven by validated CHECK messages_seq_not_null: no scan', line: 4 }]);
  });

  it('unbatched-dml: UPDATE and DELETE (also in a WITH); a schema-kit:batch step, a new table and an upsert are fine', () => {
    expect(rulesOf(`UPDATE ${T} SET seq = 0;\nDELETE FROM ONLY ${T} WHERE seq IS NULL;`)).toEqual(['unbatched-dml messages', 'unbatched-dml messages']);
    expect(rulesOf(`WITH old AS (SELECT id FROM ${T} FOR UPDATE) UPDATE ${T} m SET seq = 1 FROM old WHERE old.id = m.id;`)).toEqual(['unbatched-dml messages']);
    expect(rulesOf(`-- schema-kit:batch\nSELECT :SCHEMA_KIT_SCHEMA.learning_backfill_seq(5000);`, { noTransaction: true })).toEqual([]);
    expect(rulesOf(`-- schema-kit:batch\nUPDATE ${T} SET seq = 0 WHERE id IN (SELECT id FROM ${T} WHERE seq IS NULL LIMIT 5000);`, { noTransaction: true })).toEqual([]);
    expect(rulesOf(`CREATE TABLE ${T} (seq int);\nUPDATE ${T} SET seq = 0;`)).toEqual([]);
    expect(rulesOf(`INSERT INTO ${T} (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET seq = 0;`)).toEqual([]);
  });

  it('lock-table: the mode named, ACCESS EXCLUSIVE by default; a new table is fine', () => {
    expect(lint(`LOCK TABLE ${T} IN SHARE ROW EXCLUSIVE MODE;`)).toMatchObject([{ rule: 'lock-table', table: 'messages', lock: 'SHARE ROW EXCLUSIVE' }]);
    expect(lint(`LOCK ${T}, :SCHEMA_KIT_SCHEMA.users;`).map((f) => `${f.table} ${f.lock}`)).toEqual(['messages ACCESS EXCLUSIVE', 'users ACCESS EXCLUSIVE']);
    expect(rulesOf(`CREATE TABLE ${T} (id int);\nLOCK TABLE ${T};`)).toEqual([]);
  });

  it('drop-index: without CONCURRENTLY; CONCURRENTLY outside a transaction, or an index the file built on a new table, is fine', () => {
    expect(rulesOf(`DROP INDEX :SCHEMA_KIT_SCHEMA.messages_old_idx, :SCHEMA_KIT_SCHEMA.messages_older_idx;`)).toEqual(['drop-index messages_old_idx', 'drop-index messages_older_idx']);
    expect(rulesOf(`DROP INDEX CONCURRENTLY IF EXISTS :SCHEMA_KIT_SCHEMA.messages_old_idx;`, { noTransaction: true })).toEqual([]);
    expect(rulesOf(`CREATE TABLE ${T} (id int);\nCREATE INDEX messages_tmp_idx ON ${T} (id);\nDROP INDEX :SCHEMA_KIT_SCHEMA.messages_tmp_idx;`)).toEqual([]);
  });
});
