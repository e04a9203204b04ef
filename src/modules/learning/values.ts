/**
 * The learning module's value sets. The SQL CHECK constraints in `migrations/learning/` list exactly these
 * values, in this order, and the Kysely column types use the unions below.
 */

/** `exercises.exercise_type`. */
export const EXERCISE_TYPES = ['algorithm', 'data_structure', 'debugging', 'practical'] as const;

/** A value of `exercises.exercise_type`. */
export type ExerciseType = (typeof EXERCISE_TYPES)[number];

/** `exercises.difficulty` and `user_memory.preferred_difficulty`. */
export const EXERCISE_DIFFICULTIES = ['easy', 'medium', 'hard'] as const;

/** A value of `exercises.difficulty`. */
export type ExerciseDifficulty = (typeof EXERCISE_DIFFICULTIES)[number];

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
