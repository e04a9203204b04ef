/** The insights module: its tables, value sets, input schemas and repositories. */

export {
  type InterfaceEvolutionLogTable,
  type InterfaceEvolution,
  type NewInterfaceEvolution,
  type InterfaceEvolutionUpdate,
  type DissonanceRecordsTable,
  type DissonanceRecord,
  type NewDissonanceRecord,
  type DissonanceRecordUpdate,
} from './tables.js';
export { DEFAULT_RISK_LEVELS, type DefaultRiskLevel, type RiskLevel } from './values.js';
export { newDissonanceSchema, type NewDissonanceInput } from './validation.js';
export { DissonanceRepo, type DissonanceQuery } from './dissonance-repo.js';
export { InterfaceEvolutionRepo } from './interface-evolution-repo.js';
export { insightsModule } from './descriptor.js';
