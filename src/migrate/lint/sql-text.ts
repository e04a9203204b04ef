import { dollarTag, isEscapeString, skipBlockComment, skipQuoted } from '../split-statements.js';

/** A `-- schema-kit:<name> <argument>` comment line. */
export interface Directive {
  readonly name: string;
  /** The rest of the line, trimmed (a lock-heavy marker's reason). */
  readonly argument: string;
  /** Where the comment starts in the scanned text. */
  readonly at: number;
}

/** A statement's text as the rules read it, and the directives in its comments. */
export interface ScannedSql {
  /** The code: comments dropped, whitespace runs made one space, dollar-quoted bodies made `$$…$$`; strings kept. */
  readonly code: string;
  /** Where the first character of code is (the text's length when there is none). */
  readonly codeAt: number;
  /** Every `-- schema-kit:` comment line, in order. */
  readonly directives: readonly Directive[];
}

/** `-- schema-kit:<word>`, then the end of the line or blanks and an argument; prose that wraps
 * onto a line starting `-- schema-kit:each):` is not one. */
const DIRECTIVE = /^--\s*schema-kit:([\w-]*)(?=\s|$)(.*)$/;

/** Scans `text` with the statement splitter's rules for comments, quotes and dollar quotes. */
export function scanSql(text: string): ScannedSql {
  let code = '';
  let codeAt = text.length;
  const directives: Directive[] = [];
  const emit = (piece: string, at: number): void => {
    if (codeAt === text.length) codeAt = at;
    code += piece;
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    let end: number;
    if (ch === '-' && next === '-') {
      const eol = text.indexOf('\n', i);
      end = eol < 0 ? text.length : eol;
      const match = DIRECTIVE.exec(text.slice(i, end));
      if (match) directives.push({ name: match[1]!, argument: match[2]!.trim(), at: i });
      code += ' ';
    } else if (ch === '/' && next === '*') {
      end = skipBlockComment(text, i);
      code += ' ';
    } else if (ch === "'" || ch === '"') {
      end = skipQuoted(text, i, ch, ch === "'" && isEscapeString(text, i));
      emit(text.slice(i, end), i);
    } else if (ch === '$' && dollarTag(text, i)) {
      const tag = dollarTag(text, i)!;
      const close = text.indexOf(tag, i + tag.length);
      end = close < 0 ? text.length : close + tag.length;
      emit('$$…$$', i);
    } else if (/\s/.test(ch)) {
      end = i + 1;
      code += ' ';
    } else {
      end = i + 1;
      emit(ch, i);
    }
    i = end;
  }
  return { code: code.replace(/\s+/g, ' ').trim(), codeAt, directives };
}

/**
 * Splits `code` at its top-level commas (outside parentheses and quotes): the clauses of an
 * ALTER TABLE, the names of a DROP INDEX.
 */
export function splitTopLevel(code: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let i = 0;
  while (i < code.length) {
    const ch = code[i]!;
    if (ch === "'" || ch === '"') {
      i = skipQuoted(code, i, ch, false);
      continue;
    }
    if (ch === '(') depth += 1;
    else if (ch === ')') depth -= 1;
    else if (ch === ',' && depth === 0) {
      parts.push(code.slice(start, i).trim());
      start = i + 1;
    }
    i += 1;
  }
  parts.push(code.slice(start).trim());
  return parts.filter(Boolean);
}

/** A table or index name as written: optionally schema-qualified, each part bare or double-quoted. */
export const NAME = String.raw`(?:"(?:[^"]|"")+"|[\w$:]+)(?:\s?\.\s?(?:"(?:[^"]|"")+"|[\w$]+))*`;

/** The parts of `name` (schema placeholder dropped), unquoted, bare ones folded to lower case as PostgreSQL does. */
function nameParts(name: string): string[] {
  const parts = [...name.replace(/^:SCHEMA_KIT_SCHEMA\s?\.\s?/, '').matchAll(/"((?:[^"]|"")+)"|([\w$:]+)/g)];
  return parts.map((part) => (part[1] !== undefined ? part[1].replace(/""/g, '"') : part[2]!.toLowerCase()));
}

/** `name` as findings show it: without the schema placeholder, quotes removed. */
export function displayName(name: string): string {
  return nameParts(name).join('.');
}

/** The key under which `name` is compared: its last part, as PostgreSQL folds it. */
export function tableKey(name: string): string {
  return nameParts(name).at(-1)!;
}
