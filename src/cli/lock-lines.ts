import type { LintFinding } from '../migrate/lint/finding.js';

/**
 * One finding of a pending migration as `status` and `migrate --dry-run` show it, e.g.
 * `line 52: ACCESS EXCLUSIVE on messages, rewrites it (set-not-null; allowed: proven by CHECK)`.
 */
export function lockLine(finding: LintFinding): string {
  const what = finding.lock ? `${finding.lock} on ${finding.table}${finding.rewrites ? ', rewrites it' : ''}` : finding.message;
  const verdict = finding.allowed ? `allowed: ${finding.reason}` : 'not allowed';
  return `line ${finding.line}: ${what} (${finding.rule}; ${verdict})`;
}
