import { defineModule, table } from '../../module-descriptor.js';
import { shippedMigrations } from '../../migrate/migration-source.js';
import type { VocabularyTable } from '../../vocabulary/types.js';
import type { DissonanceRecordsTable, InterfaceEvolutionLogTable } from './tables.js';
import { DEFAULT_RISK_LEVELS } from './values.js';

/** The insights module, as the shared machinery reads it. */
export const insightsModule = defineModule({
  name: 'insights',
  dependsOn: ['core', 'learning'],
  summary: 'interface_evolution_log and dissonance_records',
  migrations: shippedMigrations('insights'),
  tables: { interface_evolution_log: table<InterfaceEvolutionLogTable>(), dissonance_records: table<DissonanceRecordsTable>(), risk_levels: table<VocabularyTable>() },
  vocabularies: { risk_level: { table: 'risk_levels', columns: ['dissonance_records.risk_level'], defaults: DEFAULT_RISK_LEVELS } },
  appendOnlyLogs: [],
  partitionedLogs: [],
  personalData: [
    { table: 'dissonance_records', reach: { by: 'user_id' }, erasure: 'delete' },
    { table: 'interface_evolution_log', reach: { by: 'user_id' }, erasure: 'delete' },
  ],
  functions: {},
});
