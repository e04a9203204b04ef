/**
 * Splits a migration's SQL into its statements, at the semicolons that end one: a semicolon inside
 * a quoted string ('…', E'…' with backslash escapes), a quoted identifier ("…"), a dollar-quoted
 * body ($$…$$, $tag$…$tag$), a line comment or a (nested) block comment does not end a statement.
 * Statements that hold only comments and blanks are left out. Used only for connections that take
 * one statement per query (PGlite's extended protocol); node-postgres receives the file whole.
 */
export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let meaningful = false; // has the current statement anything besides blanks and comments?
  let i = 0;
  const push = (end: number): void => {
    if (meaningful) statements.push(text.slice(start, end).trim());
    start = end + 1;
    meaningful = false;
  };
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === '-' && next === '-') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol + 1;
    } else if (ch === '/' && next === '*') {
      i = skipBlockComment(text, i);
    } else if (ch === "'") {
      meaningful = true;
      i = skipQuoted(text, i, "'", isEscapeString(text, i));
    } else if (ch === '"') {
      meaningful = true;
      i = skipQuoted(text, i, '"', false);
    } else if (ch === '$' && dollarTag(text, i)) {
      meaningful = true;
      const tag = dollarTag(text, i)!;
      const close = text.indexOf(tag, i + tag.length);
      i = close < 0 ? text.length : close + tag.length;
    } else if (ch === ';') {
      push(i);
      i += 1;
    } else {
      if (!/\s/.test(ch)) meaningful = true;
      i += 1;
    }
  }
  push(text.length);
  return statements;
}

/** The end (exclusive) of the block comment opening at `at`; block comments nest in PostgreSQL. */
export function skipBlockComment(text: string, at: number): number {
  let depth = 0;
  let i = at;
  while (i < text.length) {
    if (text.startsWith('/*', i)) {
      depth += 1;
      i += 2;
    } else if (text.startsWith('*/', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return text.length;
}

/** The end (exclusive) of the string or identifier opening at `at`; a doubled quote is a quote. */
export function skipQuoted(text: string, at: number, quote: string, backslashEscapes: boolean): number {
  let i = at + 1;
  while (i < text.length) {
    const ch = text[i];
    if (backslashEscapes && ch === '\\') {
      i += 2;
    } else if (ch === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i += 1;
    }
  }
  return text.length;
}

/** Whether the quote at `at` opens an E'…' string, where a backslash escapes the next character. */
export function isEscapeString(text: string, at: number): boolean {
  const prefix = text[at - 1];
  return (prefix === 'E' || prefix === 'e') && !/[\w$]/.test(text[at - 2] ?? '');
}

/** The dollar-quote tag ($$ or $name$) opening at `at`, or undefined ($1 is a parameter, not a tag). */
export function dollarTag(text: string, at: number): string | undefined {
  if (/[\w$]/.test(text[at - 1] ?? '')) return undefined; // part of an identifier such as a$b
  const match = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(text.slice(at, at + 64));
  return match?.[0];
}
