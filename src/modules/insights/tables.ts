/** Tables of the `insights` module: `interface_evolution_log` and `dissonance_records`. */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Generated, Json, Timestamp } from '../../schema/column-types.js';
import type { RiskLevel } from './values.js';

/** `interface_evolution_log`: versioned changes to a person's interface; unique per (user_id, version). */
export interface InterfaceEvolutionLogTable {
  id: Generated<string>;
  user_id: string;
  /** 1 or more. */
  version: number;
  changes: Json;
  created_at: Generated<Timestamp>;
}

/** A row of `interface_evolution_log`. */
export type InterfaceEvolution = Selectable<InterfaceEvolutionLogTable>;
/** A new row for `interface_evolution_log`. */
export type NewInterfaceEvolution = Insertable<InterfaceEvolutionLogTable>;
/** A change to a row of `interface_evolution_log`. */
export type InterfaceEvolutionUpdate = Updateable<InterfaceEvolutionLogTable>;

/** `dissonance_records`: a scored detection of dissonance in what a person said. */
export interface DissonanceRecordsTable {
  id: Generated<string>;
  user_id: string;
  /** The conversation it was found in; the record goes with the conversation. */
  conversation_id: string | null;
  transcript: string | null;
  emotions: Json | null;
  interpretation: string | null;
  /** From 0 to 1. */
  dissonance_score: number;
  risk_level: RiskLevel;
  created_at: Generated<Timestamp>;
}

/** A row of `dissonance_records`. */
export type DissonanceRecord = Selectable<DissonanceRecordsTable>;
/** A new row for `dissonance_records`. */
export type NewDissonanceRecord = Insertable<DissonanceRecordsTable>;
/** A change to a row of `dissonance_records`. */
export type DissonanceRecordUpdate = Updateable<DissonanceRecordsTable>;
