/**
 * Tables of the `learning` module: `exercises`, `user_exercises`, `conversations`, `messages`
 * and `user_memory`.
 */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Generated, Json, Timestamp } from '../../schema/column-types.js';
import type { ExerciseDifficulty, ExerciseStatus, ExerciseType, MessageRole } from './values.js';

/** `exercises`: a programming exercise. */
export interface ExercisesTable {
  id: Generated<string>;
  title: string;
  description: string;
  exercise_type: ExerciseType;
  difficulty: ExerciseDifficulty;
  programming_language: string | null;
  starter_code: string | null;
  solution: string | null;
  /** A JSON array; defaults to `[]`. */
  test_cases: Generated<Json>;
  /** A JSON array; defaults to `[]`. */
  hints: Generated<Json>;
  is_active: Generated<boolean>;
  created_at: Generated<Timestamp>;
  /** Set to now() by a trigger on every update. */
  updated_at: Generated<Timestamp>;
}

/** A row of `exercises`. */
export type Exercise = Selectable<ExercisesTable>;
/** A new row for `exercises`. */
export type NewExercise = Insertable<ExercisesTable>;
/** A change to a row of `exercises`. */
export type ExerciseUpdate = Updateable<ExercisesTable>;

/** `user_exercises`: a person's progress on an exercise; unique per (user_id, exercise_id). */
export interface UserExercisesTable {
  id: Generated<string>;
  user_id: string;
  exercise_id: string;
  status: Generated<ExerciseStatus>;
  submitted_code: string | null;
  /** Zero or more. */
  grade: number | null;
  feedback: string | null;
  hints_used: Generated<number>;
  attempts: Generated<number>;
  time_spent_seconds: Generated<number>;
  started_at: Timestamp | null;
  /** Required once `status` is `'completed'`. */
  completed_at: Timestamp | null;
  created_at: Generated<Timestamp>;
  /** Set to now() by a trigger on every update. */
  updated_at: Generated<Timestamp>;
}

/** A row of `user_exercises`. */
export type UserExercise = Selectable<UserExercisesTable>;
/** A new row for `user_exercises`. */
export type NewUserExercise = Insertable<UserExercisesTable>;
/** A change to a row of `user_exercises`. */
export type UserExerciseUpdate = Updateable<UserExercisesTable>;

/** `conversations`: a chat session of a person, optionally about an exercise. */
export interface ConversationsTable {
  id: Generated<string>;
  user_id: string;
  /** Set to null when the exercise is deleted. */
  exercise_id: string | null;
  title: string | null;
  created_at: Generated<Timestamp>;
  /** Set to now() by a trigger on every update. */
  updated_at: Generated<Timestamp>;
}

/** A row of `conversations`. */
export type Conversation = Selectable<ConversationsTable>;
/** A new row for `conversations`. */
export type NewConversation = Insertable<ConversationsTable>;
/** A change to a row of `conversations`. */
export type ConversationUpdate = Updateable<ConversationsTable>;

/** `messages`: one message of a conversation. */
export interface MessagesTable {
  id: Generated<string>;
  conversation_id: string;
  role: MessageRole;
  content: string;
  /** A JSON object; defaults to `{}`. */
  message_metadata: Generated<Json>;
  tokens_used: number | null;
  created_at: Generated<Timestamp>;
}

/** A row of `messages`. */
export type Message = Selectable<MessagesTable>;
/** A new row for `messages`. */
export type NewMessage = Insertable<MessagesTable>;
/** A change to a row of `messages`. */
export type MessageUpdate = Updateable<MessagesTable>;

/** `user_memory`: what the tutor has learned about a person; exactly one row per user. */
export interface UserMemoryTable {
  id: Generated<string>;
  /** Unique. */
  user_id: string;
  learning_pace: string | null;
  preferred_difficulty: ExerciseDifficulty | null;
  /** A JSON array; defaults to `[]`. */
  identified_strengths: Generated<Json>;
  /** A JSON array; defaults to `[]`. */
  identified_weaknesses: Generated<Json>;
  /** A JSON object of topic to score; defaults to `{}`. */
  topic_mastery: Generated<Json>;
  /** A JSON object of interest to weight; defaults to `{}`. */
  interest_areas: Generated<Json>;
  average_completion_time_seconds: number | null;
  average_hints_per_exercise: number | null;
  average_grade: number | null;
  total_exercises_attempted: Generated<number>;
  total_exercises_completed: Generated<number>;
  total_exercises_skipped: Generated<number>;
  /** A JSON object; defaults to `{}`. */
  career_goal_progress: Generated<Json>;
  /** A JSON array; defaults to `[]`. */
  common_questions: Generated<Json>;
  /** A JSON object; defaults to `{}`. */
  personalization_metadata: Generated<Json>;
  last_analyzed_at: Timestamp | null;
  created_at: Generated<Timestamp>;
  /** Set to now() by a trigger on every update. */
  updated_at: Generated<Timestamp>;
}

/** A row of `user_memory`. */
export type UserMemory = Selectable<UserMemoryTable>;
/** A new row for `user_memory`. */
export type NewUserMemory = Insertable<UserMemoryTable>;
/** A change to a row of `user_memory`. */
export type UserMemoryUpdate = Updateable<UserMemoryTable>;
