/**
 * The module registry: every schema module schema-kit ships, as its descriptor, and what the
 * shared machinery reads composed from them. This is the only file that lists the modules.
 * Descriptors are imported from each module's `descriptor.ts` (its index re-exports it), so the
 * registry does not load the repositories that read `Database`, which is built from it.
 */
import type { ModuleDescriptor, PartitionedLog, PartitionKeysOf, VocabulariesOf } from './module-descriptor.js';
import type { HostValue } from './vocabulary/types.js';
import { lifecycleModule } from './modules/lifecycle/descriptor.js';
import { coreModule } from './modules/core/descriptor.js';
import { auditModule } from './modules/audit/descriptor.js';
import { idempotencyModule } from './modules/idempotency/descriptor.js';
import { interestsModule } from './modules/interests/descriptor.js';
import { rolesModule } from './modules/roles/descriptor.js';
import { planningModule } from './modules/planning/descriptor.js';
import { learningModule } from './modules/learning/descriptor.js';
import { achievementsModule } from './modules/achievements/descriptor.js';
import { insightsModule } from './modules/insights/descriptor.js';
import { telegramModule } from './modules/telegram/descriptor.js';
import { consumersModule } from './modules/consumers/descriptor.js';
import { sessionsModule } from './modules/sessions/descriptor.js';

/** Every module, in an order where each module comes after its dependencies. */
export const MODULES: readonly [
  typeof lifecycleModule,
  typeof coreModule,
  typeof auditModule,
  typeof idempotencyModule,
  typeof interestsModule,
  typeof rolesModule,
  typeof planningModule,
  typeof learningModule,
  typeof achievementsModule,
  typeof insightsModule,
  typeof telegramModule,
  typeof consumersModule,
  typeof sessionsModule,
] = Object.freeze([
  lifecycleModule,
  coreModule,
  auditModule,
  idempotencyModule,
  interestsModule,
  rolesModule,
  planningModule,
  learningModule,
  achievementsModule,
  insightsModule,
  telegramModule,
  consumersModule,
  sessionsModule,
] as const);

/** The descriptor of one of schema-kit's modules. */
export type ShippedModule = (typeof MODULES)[number];

/** The name of a schema module. */
export type ModuleName = ShippedModule['name'];

/** The names of every module, in dependency order. */
export const MODULE_NAMES: readonly ModuleName[] = Object.freeze(MODULES.map((m) => m.name));

/** One host-owned vocabulary: its module, lookup table, referencing columns and seeded values. */
export interface VocabularyDefinition {
  /** The module whose migrations create and seed the lookup table. */
  readonly module: ModuleName;
  /** The lookup table, in schema-kit's schema. */
  readonly table: string;
  /** The columns (`table.column`) whose foreign keys reference the lookup table. */
  readonly columns: readonly string[];
  /** The values the migrations seed. */
  readonly defaults: readonly string[];
}

/** Every host-owned vocabulary of every module, by the name `VocabularyRepo` takes. */
export const VOCABULARIES: Readonly<VocabulariesOf<ShippedModule>> = Object.freeze(vocabulariesOf(MODULES) as VocabulariesOf<ShippedModule>);

/** The name of a host-owned vocabulary, e.g. `'guide_category'`. */
export type VocabularyName = keyof typeof VOCABULARIES;

/** The names of every host-owned vocabulary. */
export const VOCABULARY_NAMES = Object.freeze(Object.keys(VOCABULARIES) as VocabularyName[]);

/** A vocabulary's value type: its defaults autocomplete, any other value type-checks. */
export type VocabularyValue<V extends VocabularyName> = HostValue<(typeof VOCABULARIES)[V]['defaults'][number]>;

/** The tables whose rows are never changed or removed: the runtime role may only read and append. */
export const APPEND_ONLY_TABLES: readonly string[] = Object.freeze(MODULES.flatMap((m) => m.appendOnlyLogs));

/** The logs that are range-partitioned by month, each with its partition key (from the descriptors' `partitionedLogs`). */
export const PARTITIONED_TABLES: Readonly<PartitionKeysOf<ShippedModule>> = Object.freeze(
  Object.fromEntries(MODULES.flatMap((m): readonly PartitionedLog[] => m.partitionedLogs).map((l) => [l.table, l.partitionKey])) as PartitionKeysOf<ShippedModule>,
);

/** The name of a partitioned log. */
export type PartitionedTable = keyof typeof PARTITIONED_TABLES;

/** The vocabularies of `modules`, each with its module's name. */
function vocabulariesOf(modules: readonly ModuleDescriptor[]): Record<string, VocabularyDefinition> {
  return Object.fromEntries(modules.flatMap((m) => Object.entries(m.vocabularies).map(([name, v]) => [name, { module: m.name as ModuleName, ...v }])));
}
