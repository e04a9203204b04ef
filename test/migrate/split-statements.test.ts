import { describe, expect, it } from 'vitest';
import { SHIPPED_CATALOG } from '../../src/shipped.js';
import { splitStatements } from '../../src/migrate/split-statements.js';

describe('splitStatements', () => {
  it('splits at the semicolons that end a statement, and keeps each statement intact', () => {
    expect(splitStatements('create table a (id int);\n\ncreate table b (id int)  ;  select 1')).toEqual([
      'create table a (id int)',
      'create table b (id int)',
      'select 1',
    ]);
  });

  it.each([
    ['a string', "insert into t values ('a;b', 'it''s; fine'); select 2", ["insert into t values ('a;b', 'it''s; fine')", 'select 2']],
    ['an escape string', "select E'\\';x'; select 2", ["select E'\\';x'", 'select 2']],
    ['a quoted identifier', 'create table "we;ird" (id int); select 2', ['create table "we;ird" (id int)', 'select 2']],
    ['a $$ body', "create function f() returns int language sql as $$ select 1; select 2 $$; select 3",
      ['create function f() returns int language sql as $$ select 1; select 2 $$', 'select 3']],
    ['a tagged body holding $$', "do $body$ begin perform 1; raise notice '$$;'; end $body$; select 3",
      ["do $body$ begin perform 1; raise notice '$$;'; end $body$", 'select 3']],
    ['a line comment', 'select 1 -- not here; nor here\n; select 2', ['select 1 -- not here; nor here', 'select 2']],
    ['a nested block comment', 'select /* a /* b; */ c; */ 1; select 2', ['select /* a /* b; */ c; */ 1', 'select 2']],
  ])('does not split inside %s', (_, text, expected) => {
    expect(splitStatements(text)).toEqual(expected);
  });

  it('does not take a parameter or an identifier with $ for a dollar quote', () => {
    expect(splitStatements('select $1; select a$b$c from t; select 3')).toEqual(['select $1', 'select a$b$c from t', 'select 3']);
  });

  it('leaves out statements that hold only comments and blanks', () => {
    expect(splitStatements('-- heading;\n/* note; */\n;select 1;\n-- trailing\n')).toEqual(['select 1']);
  });

  it('finds in every shipped migration one statement per line-ending semicolon (how the files are written)', () => {
    for (const module of SHIPPED_CATALOG) {
      for (const migration of module.migrations) {
        for (const text of [migration.up, migration.down]) {
          const statements = splitStatements(text);
          expect(statements.length, `${migration.module}/${migration.name}`).toBe(text.replace(/\$\$[\s\S]*?\$\$/g, '').match(/;[ \t]*(\n|$)/g)?.length);
          expect(statements.some((s) => /;[ \t]*\n/.test(s) && !s.includes('$$'))).toBe(false);
        }
      }
    }
  });
});
