/**
 * The insights module's value sets. The SQL CHECK constraints in `migrations/insights/` list exactly these
 * values, in this order, and the Kysely column types use the unions below.
 */

/** `dissonance_records.risk_level`. */
export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;

/** A value of `dissonance_records.risk_level`. */
export type RiskLevel = (typeof RISK_LEVELS)[number];
