import { z } from 'zod';
import type { JsonValue } from '../../schema/column-types.js';
import { MESSAGE_ROLES, type ExerciseDifficulty, type ExerciseType } from './values.js';
import { freeText, idText, jsonObject, jsonValue, pageOptions, uuid, uuidCursor, vocabularyField } from '../../validation/common.js';
import { boundedNumber, wholeNumber } from '../../validation/numbers.js';

/** A JSON array (the shape of `hints`, `test_cases`, `common_questions`, ...). */
export const jsonArray = jsonValue.refine(Array.isArray, 'must be a JSON array') as unknown as z.ZodType<JsonValue[]>;

/** A new conversation for `ConversationRepo.start`. */
export const newConversationSchema = z
  .object({ user_id: uuid, exercise_id: uuid.nullable().optional(), title: freeText(500).nullable().optional() })
  .strict();

/** The input of {@link newConversationSchema}. */
export type NewConversationInput = z.input<typeof newConversationSchema>;

/** A new message for `ConversationRepo.addMessage`. */
export const newMessageSchema = z
  .object({
    role: z.enum(MESSAGE_ROLES),
    content: freeText(1_000_000),
    message_metadata: jsonObject.optional(),
    tokens_used: wholeNumber().nullable().optional(),
  })
  .strict();

/** The input of {@link newMessageSchema}. */
export type NewMessageInput = z.input<typeof newMessageSchema>;

/** Messages for `ConversationRepo.addMessages`: 0-1000. */
export const newMessageListSchema = z.array(newMessageSchema).max(1000, 'must hold at most 1000 messages');

/** Page options of the learning listings (cursor: a row id). */
export const learningPageSchema = pageOptions(uuidCursor);

/** The JSON maps of `user_memory` to merge into (shallow, key by key); at least one. */
export const memoryMergeSchema = z
  .object({
    topic_mastery: jsonObject.optional(),
    interest_areas: jsonObject.optional(),
    career_goal_progress: jsonObject.optional(),
    personalization_metadata: jsonObject.optional(),
  })
  .strict()
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), 'must name at least one map');

/** The input of {@link memoryMergeSchema}. */
export type MemoryMergeInput = z.input<typeof memoryMergeSchema>;

/** The JSON lists of `user_memory` to append to; at least one. */
export const memoryAppendSchema = z
  .object({
    identified_strengths: jsonArray.optional(),
    identified_weaknesses: jsonArray.optional(),
    common_questions: jsonArray.optional(),
  })
  .strict()
  .refine((items) => Object.values(items).some((v) => v !== undefined), 'must name at least one list');

/** The input of {@link memoryAppendSchema}. */
export type MemoryAppendInput = z.input<typeof memoryAppendSchema>;

/** A new exercise for `ExerciseRepo.create`. */
export const newExerciseSchema = z
  .object({
    title: idText(500),
    description: freeText(100_000),
    exercise_type: vocabularyField<ExerciseType>(),
    difficulty: vocabularyField<ExerciseDifficulty>(),
    programming_language: freeText(128).nullable().optional(),
    starter_code: freeText(1_000_000).nullable().optional(),
    solution: freeText(1_000_000).nullable().optional(),
    test_cases: jsonArray.optional(),
    hints: jsonArray.optional(),
    is_active: z.boolean().optional(),
  })
  .strict();

/** The input of {@link newExerciseSchema}. */
export type NewExerciseInput = z.input<typeof newExerciseSchema>;

/** What `UserExerciseRepo.complete` records: the submission, its grade and feedback, and the time spent. */
export const exerciseCompletionSchema = z
  .object({
    submitted_code: freeText(1_000_000).nullable().optional(),
    grade: boundedNumber(0).nullable().optional(),
    feedback: freeText(100_000).nullable().optional(),
    time_spent_seconds: wholeNumber().optional(),
  })
  .strict();

/** The input of {@link exerciseCompletionSchema}. */
export type ExerciseCompletionInput = z.input<typeof exerciseCompletionSchema>;
