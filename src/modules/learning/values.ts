/**
 * The learning module's value sets. `DEFAULT_*` sets are host-owned vocabularies: the rows the
 * migrations seed into their lookup tables, which a host extends (`VocabularyRepo.add` or its own
 * INSERT). The other sets are closed (the library's code branches on them): the SQL CHECK
 * constraints in `migrations/learning/` list exactly those values, in this order.
 */
import type { HostValue } from '../../vocabulary/types.js';

/** The default values of `exercises.exercise_type`. */
export const DEFAULT_EXERCISE_TYPES = ['algorithm', 'data_structure', 'debugging', 'practical'] as const;

/** A default value of `exercises.exercise_type`. */
export type DefaultExerciseType = (typeof DEFAULT_EXERCISE_TYPES)[number];

/** A value of `exercises.exercise_type`: a default, or a value the host added to the vocabulary. */
export type ExerciseType = HostValue<DefaultExerciseType>;

/** The default values of `exercises.difficulty` and `user_memory.preferred_difficulty`. */
export const DEFAULT_EXERCISE_DIFFICULTIES = ['easy', 'medium', 'hard'] as const;

/** A default value of `exercises.difficulty`. */
export type DefaultExerciseDifficulty = (typeof DEFAULT_EXERCISE_DIFFICULTIES)[number];

/** A value of `exercises.difficulty`: a default, or a value the host added to the vocabulary. */
export type ExerciseDifficulty = HostValue<DefaultExerciseDifficulty>;

/** `user_exercises.status`: where a person is with an exercise. */
export const EXERCISE_STATUSES = ['pending', 'in_progress', 'completed', 'skipped'] as const;

/** A value of `user_exercises.status`. */
export type ExerciseStatus = (typeof EXERCISE_STATUSES)[number];

/**
 * `messages.role`: who wrote a conversation message. A `tool` message is the result of a tool call
 * that an earlier `assistant` message made (its `tool_call_id`).
 */
export const MESSAGE_ROLES = ['user', 'assistant', 'system', 'tool'] as const;

/** A value of `messages.role`. */
export type MessageRole = (typeof MESSAGE_ROLES)[number];
