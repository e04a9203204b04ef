import { z } from 'zod';
import type { JsonValue } from '../../schema/column-types.js';
import { MESSAGE_ROLES, type ExerciseDifficulty, type ExerciseType } from './values.js';
import { boundedList, freeText, idText, jsonObject, jsonValue, pageOptions, uuid, vocabularyField } from '../../validation/common.js';
import { boundedNumber, wholeNumber } from '../../validation/numbers.js';
import { keysetCursor } from '../../repos/cursor.js';

/** A JSON array (the shape of `hints`, `test_cases`, `common_questions`, ...). */
export const jsonArray = jsonValue.refine(Array.isArray, 'must be a JSON array') as unknown as z.ZodType<JsonValue[]>;

/** A new conversation for `ConversationRepo.start`. */
export const newConversationSchema = z
  .object({ user_id: uuid, exercise_id: uuid.nullable().optional(), title: freeText(500).nullable().optional() })
  .strict();

/** The input of {@link newConversationSchema}. */
export type NewConversationInput = z.input<typeof newConversationSchema>;

/** A tool call of an assistant message: the provider's call id, the tool's name and its JSON arguments. */
export const toolCallSchema = z.object({ id: idText(256), name: idText(256), arguments: jsonValue }).strict();

/** A content part beyond plain text: a JSON object with a non-empty string `type`. */
export const contentPartSchema = jsonObject.refine(
  (part) => typeof part.type === 'string' && part.type !== '',
  'must be a JSON object with a non-empty string `type`',
);

const tokens = () => wholeNumber().nullable().optional();
const contentParts = () => z.array(contentPartSchema).max(1000, 'must hold at most 1000 parts').nullable().optional();
const toolCalls = () => z.array(toolCallSchema).min(1, 'must hold at least one call (or be left out)').max(1000, 'must hold at most 1000 calls').nullable().optional();

/** A new message for `ConversationRepo.addMessage`: its text, tool calls or tool result, content parts and usage. */
export const newMessageSchema = z
  .object({
    role: z.enum(MESSAGE_ROLES),
    content: freeText(1_000_000),
    content_parts: contentParts(),
    tool_calls: toolCalls(),
    tool_call_id: idText(256).nullable().optional(),
    model: idText(256).nullable().optional(),
    input_tokens: tokens(),
    output_tokens: tokens(),
    cached_tokens: tokens(),
    finish_reason: idText(256).nullable().optional(),
    latency_ms: tokens(),
    message_metadata: jsonObject.optional(),
    tokens_used: tokens(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (m.role === 'tool' && !m.tool_call_id) issue(['tool_call_id'], 'is required on a tool message: the id of the call it answers');
    if (m.role !== 'tool' && m.tool_call_id != null) issue(['tool_call_id'], 'only a tool message answers a tool call');
    if (m.role !== 'assistant' && m.tool_calls != null) issue(['tool_calls'], 'only an assistant message makes tool calls');
    if (m.cached_tokens != null && !(m.input_tokens != null && m.cached_tokens <= m.input_tokens)) {
      issue(['cached_tokens'], 'must be at most input_tokens (cached tokens are part of the input)');
    }
  });

/** The input of {@link newMessageSchema}. */
export type NewMessageInput = z.input<typeof newMessageSchema>;

/**
 * Messages for `ConversationRepo.addMessages`: 0-1000, together at most 64 MB of JSON, each tool
 * call id made once, and a tool result after the call it answers when both are in the list.
 */
export const newMessageListSchema = boundedList(newMessageSchema, { maxItems: 1000, maxChars: 64_000_000, noun: 'messages' })
  .superRefine((messages, ctx) => {
    const madeAt = new Map<string, number>();
    messages.forEach((m, i) =>
      m.tool_calls?.forEach((call, j) => {
        if (madeAt.has(call.id)) ctx.addIssue({ code: 'custom', path: [i, 'tool_calls', j, 'id'], message: 'repeats a tool call id made earlier in the list' });
        else madeAt.set(call.id, i);
      }),
    );
    messages.forEach((m, i) => {
      const at = m.tool_call_id == null ? undefined : madeAt.get(m.tool_call_id);
      if (at !== undefined && at > i) ctx.addIssue({ code: 'custom', path: [i, 'tool_call_id'], message: 'answers a call made later in the list' });
    });
  });

/**
 * Token usage of one model call for `ConversationRepo.addUsage`: the model (null: unknown) and its
 * input (cached ones included), output (reasoning ones included), cached and reasoning tokens.
 */
export const newUsageSchema = z
  .object({
    model: idText(256).nullable().optional(),
    input_tokens: tokens(),
    output_tokens: tokens(),
    cached_tokens: tokens(),
    reasoning_tokens: tokens(),
  })
  .strict()
  .superRefine((u, ctx) => {
    if (u.cached_tokens != null && !(u.input_tokens != null && u.cached_tokens <= u.input_tokens)) {
      ctx.addIssue({ code: 'custom', path: ['cached_tokens'], message: 'must be at most input_tokens (cached tokens are part of the input)' });
    }
  });

/** The input of {@link newUsageSchema}. */
export type NewUsageInput = z.input<typeof newUsageSchema>;

/** A list of model calls' usage for `ConversationRepo.addUsage`, at most 1000. */
export const newUsageListSchema = z.array(newUsageSchema).max(1000, 'must hold at most 1000 entries');

/**
 * What `ConversationRepo.updateMessage` replaces in a stored message: its text, content parts,
 * tool calls and metadata (its role, place and usage stay).
 */
export const messageContentSchema = z
  .object({
    content: freeText(1_000_000),
    content_parts: contentParts(),
    tool_calls: toolCalls(),
    message_metadata: jsonObject.optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const ids = (m.tool_calls ?? []).map((call) => call.id);
    const repeated = ids.findIndex((id, i) => ids.indexOf(id) !== i);
    if (repeated >= 0) ctx.addIssue({ code: 'custom', path: ['tool_calls', repeated, 'id'], message: 'repeats a tool call id of the message' });
  });

/** The input of {@link messageContentSchema}. */
export type MessageContentInput = z.input<typeof messageContentSchema>;

/** A new summary for `ConversationRepo.addSummary`: it stands in for the messages up to `through_seq`. */
export const newSummarySchema = z
  .object({
    through_seq: wholeNumber(1),
    content: freeText(1_000_000),
    token_count: wholeNumber(),
    model: idText(256).nullable().optional(),
    summary_metadata: jsonObject.optional(),
  })
  .strict();

/** The input of {@link newSummarySchema}. */
export type NewSummaryInput = z.input<typeof newSummarySchema>;

/** Options of `ConversationRepo.contextWindow`: the token budget (summary and messages together). */
export const contextWindowOptionsSchema = z.object({ maxTokens: wholeNumber(1) }).strict();

/** The input of {@link contextWindowOptionsSchema}. */
export type ContextWindowOptions = z.input<typeof contextWindowOptionsSchema>;

/** Page options of the learning listings (cursor: opaque, from `next`). */
export const learningPageSchema = pageOptions(keysetCursor);

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
