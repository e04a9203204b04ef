import { describe, expect, it } from 'vitest';
import { lint, rulesOf } from './lint-helpers.js';

const T = ':SCHEMA_KIT_SCHEMA.messages';

describe('lintMigration: statements that rewrite an existing table', () => {
  it('volatile-default: a per-row default, an identity, a serial; a constant or now() is a fast default', () => {
    expect(rulesOf(`ALTER TABLE ${T} ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();`)).toEqual(['volatile-default messages']);
    expect(rulesOf(`ALTER TABLE ${T} ADD COLUMN at timestamptz DEFAULT clock_timestamp();`)).toEqual(['volatile-default messages']);
    expect(rulesOf(`ALTER TABLE ${T} ADD COLUMN code text DEFAULT :SCHEMA_KIT_SCHEMA.next_code();`)).toEqual(['volatile-default messages']);
    expect(rulesOf(`ALTER TABLE ${T} ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;`)).toEqual(['volatile-default messages']);
    expect(rulesOf(`ALTER TABLE ${T} ADD COLUMN n bigserial;`)).toEqual(['volatile-default messages']);
    expect(lint(`ALTER TABLE ${T} ADD COLUMN token uuid DEFAULT gen_random_uuid();`)[0]).toMatchObject({ lock: 'ACCESS EXCLUSIVE', rewrites: true, allowed: false });

    expect(rulesOf(`ALTER TABLE ${T} ADD COLUMN seen_at timestamptz NOT NULL DEFAULT now();`)).toEqual([]);
    expect(rulesOf(`ALTER TABLE ${T} ADD COLUMN kind text NOT NULL DEFAULT 'plain', ADD COLUMN n integer DEFAULT 0;`)).toEqual([]);
    expect(rulesOf(`ALTER TABLE ${T} ADD COLUMN user_id uuid;`)).toEqual([]);
  });

  it('stored-generated-column: flagged on an existing table, not on one the file creates', () => {
    expect(rulesOf(`ALTER TABLE ${T} ADD COLUMN size integer GENERATED ALWAYS AS (char_length(content)) STORED;`)).toEqual(['stored-generated-column messages']);
    expect(rulesOf(`CREATE TABLE ${T} (content text);\nALTER TABLE ${T} ADD COLUMN size integer GENERATED ALWAYS AS (char_length(content)) STORED;`)).toEqual([]);
  });

  it('alter-column-type: TYPE and SET DATA TYPE; other ALTER COLUMN actions are not', () => {
    expect(rulesOf(`ALTER TABLE ${T} ALTER COLUMN tokens TYPE bigint;`)).toEqual(['alter-column-type messages']);
    expect(rulesOf(`ALTER TABLE ${T} ALTER tokens SET DATA TYPE bigint USING tokens::bigint;`)).toEqual(['alter-column-type messages']);
    expect(rulesOf(`ALTER TABLE ${T} ALTER COLUMN tokens SET DEFAULT 0, ALTER COLUMN tokens DROP NOT NULL;`)).toEqual([]);
  });

  it('set-tablespace: flagged on an existing table, not on a new one', () => {
    expect(rulesOf(`ALTER TABLE ${T} SET TABLESPACE fast;`)).toEqual(['set-tablespace messages']);
    expect(rulesOf(`CREATE TABLE ${T} (id int);\nALTER TABLE ${T} SET TABLESPACE fast;`)).toEqual([]);
  });

  it('vacuum-full and cluster: flagged; a plain VACUUM and CLUSTER ON (a mark, no rewrite) are not', () => {
    expect(rulesOf(`VACUUM FULL ${T};`, { noTransaction: true })).toEqual(['vacuum-full messages']);
    expect(rulesOf(`VACUUM (FULL, VERBOSE) ${T};`, { noTransaction: true })).toEqual(['vacuum-full messages']);
    expect(rulesOf(`VACUUM (ANALYZE) ${T};`, { noTransaction: true })).toEqual([]);
    expect(rulesOf(`CLUSTER ${T} USING messages_pkey;`)).toEqual(['cluster messages']);
    expect(rulesOf('CLUSTER;')).toEqual(['cluster (every clustered table)']);
    expect(lint(`CLUSTER ${T} USING messages_pkey;`)[0]).toMatchObject({ rewrites: true, lock: 'ACCESS EXCLUSIVE' });
    expect(rulesOf(`ALTER TABLE ${T} CLUSTER ON messages_pkey;`)).toEqual([]);
  });

  it('rebuild-table: a call of lifecycle_rebuild_table; the same call inside a DO block or a function body is not linted', () => {
    expect(rulesOf(`SELECT :SCHEMA_KIT_SCHEMA.lifecycle_rebuild_table('event_log', 'created_at', ARRAY['id', 'created_at'], 3);`)).toEqual(['rebuild-table event_log']);
    expect(rulesOf(`DO $$ BEGIN PERFORM lifecycle_rebuild_table('event_log', 'created_at', ARRAY['id'], 3); END $$;`)).toEqual([]);
    expect(rulesOf(`CREATE FUNCTION :SCHEMA_KIT_SCHEMA.f() RETURNS void LANGUAGE sql AS $$ UPDATE ${T} SET tokens = 0; SELECT lifecycle_rebuild_table('m', NULL, ARRAY['id'], 0) $$;`)).toEqual([]);
  });
});
