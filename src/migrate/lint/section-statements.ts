import { splitStatements } from '../split-statements.js';
import { scanSql } from './sql-text.js';

/** A `schema-kit:` directive with the file line it is on. */
export interface PlacedDirective {
  readonly name: string;
  readonly argument: string;
  readonly line: number;
}

/** One statement of an up section, as the rules read it. */
export interface LintStatement {
  /** The statement, trimmed, without the comments before it. */
  readonly text: string;
  /** Its code, normalised (see `scanSql`). */
  readonly code: string;
  /** The file line it starts on. */
  readonly line: number;
  /** The directives in the comment block right before it. */
  readonly directives: readonly PlacedDirective[];
}

/** The statements of an up section, and the directives that are right before none of them. */
export interface SectionStatements {
  readonly statements: readonly LintStatement[];
  /** Directives inside a statement or after the last one. */
  readonly strays: readonly PlacedDirective[];
}

/** Reads `up` (which starts on file line `upLine`) into statements with the splitter the runner uses. */
export function readStatements(up: string, upLine: number): SectionStatements {
  const lineAt = (offset: number): number => upLine + (up.slice(0, offset).match(/\n/g)?.length ?? 0);
  const statements: LintStatement[] = [];
  const strays: PlacedDirective[] = [];
  const place = (base: number) => (d: { name: string; argument: string; at: number }): PlacedDirective => ({
    name: d.name,
    argument: d.argument,
    line: lineAt(base + d.at),
  });
  let cursor = 0;
  for (const chunk of splitStatements(up)) {
    // a chunk runs from just after the previous statement's semicolon: its comments come first
    const at = up.indexOf(chunk, cursor);
    cursor = at + chunk.length;
    const scanned = scanSql(chunk);
    statements.push({
      text: chunk.slice(scanned.codeAt).trim(),
      code: scanned.code,
      line: lineAt(at + scanned.codeAt),
      directives: scanned.directives.filter((d) => d.at < scanned.codeAt).map(place(at)),
    });
    strays.push(...scanned.directives.filter((d) => d.at > scanned.codeAt).map(place(at)));
  }
  strays.push(...scanSql(up.slice(cursor)).directives.map(place(cursor)));
  return { statements, strays };
}
