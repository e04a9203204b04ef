/**
 * The insights module's value sets: host-owned vocabularies. `DEFAULT_*` are the rows
 * the migrations seed into their lookup tables; a host extends them (`VocabularyRepo.add` or its
 * own INSERT), and the Kysely column types accept the defaults and any host value.
 */
import type { HostValue } from '../../vocabulary/types.js';

/** The default values of `dissonance_records.risk_level`. */
export const DEFAULT_RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;

/** A default value of `dissonance_records.risk_level`. */
export type DefaultRiskLevel = (typeof DEFAULT_RISK_LEVELS)[number];

/** A value of `dissonance_records.risk_level`: a default, or a value the host added to the vocabulary. */
export type RiskLevel = HostValue<DefaultRiskLevel>;
