/**
 * Tables of the `learning` module: `exercises`, `user_exercises`, `conversations`, `messages`
 * and `user_memory`.
 */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Generated, GeneratedAlways, Int8, Json, JsonValue, Timestamp } from '../../schema/column-types.js';
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
  /** Set to now() by a trigger on every update (adding messages updates it). */
  updated_at: Generated<Timestamp>;
  /** The `seq` of the conversation's newest message (0 before the first): the sequence counter. */
  last_message_seq: Generated<number>;
}

/** A row of `conversations`. */
export type Conversation = Selectable<ConversationsTable>;
/** A new row for `conversations`. */
export type NewConversation = Insertable<ConversationsTable>;
/** A change to a row of `conversations`. */
export type ConversationUpdate = Updateable<ConversationsTable>;

/** `messages`: one message of a conversation, in the conversation's own order (`seq`). */
export interface MessagesTable {
  id: Generated<string>;
  conversation_id: string;
  role: MessageRole;
  /** The message's text; may be empty (an assistant message that only calls tools). */
  content: string;
  /** A JSON object; defaults to `{}`. */
  message_metadata: Generated<Json>;
  /** The message's size in tokens when it is sent as context (the host's tokenizer count). */
  tokens_used: number | null;
  created_at: Generated<Timestamp>;
  /**
   * The message's place in its conversation: 1, 2, 3, ... in the order written, unique per
   * conversation. A writer that leaves it out (default 0) gets the next one, under the conversation's row lock.
   */
  seq: Generated<number>;
  /** Content beyond plain text: a JSON array of parts (`{ type: 'image', url }`, ...), or null. */
  content_parts: Json | null;
  /** An assistant message's tool calls: a JSON array of `{ id, name, arguments }`, or null. */
  tool_calls: Json | null;
  /** A `tool` message's call: the id of a tool call an earlier message of the conversation made. */
  tool_call_id: string | null;
  /** A `tool` message's call: the `seq` of the message that made it. */
  call_seq: number | null;
  /** The model that wrote the message. */
  model: string | null;
  /** Input (prompt) tokens of the model call that wrote the message, cached ones included. */
  input_tokens: number | null;
  /** Output (completion) tokens of the model call, reasoning ones included. */
  output_tokens: number | null;
  /** The part of `input_tokens` read from the provider's prompt cache. */
  cached_tokens: number | null;
  /** Why the model stopped, as the provider reports it (`stop`, `tool_calls`, `end_turn`, ...). */
  finish_reason: string | null;
  /** How long the model call took, in milliseconds. */
  latency_ms: number | null;
  /**
   * What the message takes in a context window: `tokens_used`, else an estimate (4 characters a
   * token). Kept by a trigger on every insert and update: a value written is replaced.
   */
  context_tokens: Generated<number>;
}

/** A row of `messages`. */
export type Message = Selectable<MessagesTable>;

/** A tool call of an assistant message (`messages.tool_calls`): the provider's call id, the tool and its arguments. */
export interface ToolCall {
  /** The provider's call id (OpenAI `call_...`, Anthropic `toolu_...`); unique within the conversation. */
  readonly id: string;
  readonly name: string;
  /** The arguments as JSON; the model's raw text when it produced invalid JSON. */
  readonly arguments: JsonValue;
}

/** A content part beyond plain text (`messages.content_parts`): `{ type: 'image', url }`, `{ type: 'file', file_id }`, ... */
export interface ContentPart {
  readonly type: string;
  readonly [key: string]: JsonValue | undefined;
}

/** A message as `ConversationRepo` returns it: a `messages` row with its tool calls and content parts typed. */
export type ConversationMessage = Omit<Message, 'tool_calls' | 'content_parts'> & {
  tool_calls: ToolCall[] | null;
  content_parts: ContentPart[] | null;
};
/** A new row for `messages`. */
export type NewMessage = Insertable<MessagesTable>;
/** A change to a row of `messages`. */
export type MessageUpdate = Updateable<MessagesTable>;

/** `message_tool_calls`: the tool call ids of a conversation (unique), each with the `seq` of the message that made it. */
export interface MessageToolCallsTable {
  conversation_id: string;
  call_id: string;
  seq: number;
}

/** A row of `message_tool_calls`. */
export type MessageToolCall = Selectable<MessageToolCallsTable>;

/** `conversation_summaries`: a summary standing in for a conversation's messages up to `through_seq`; the newest wins. */
export interface ConversationSummariesTable {
  /** Grows with every summary: the highest is the newest. */
  id: GeneratedAlways<Int8>;
  conversation_id: string;
  /** The last message `seq` the summary covers (it covers every message up to it). */
  through_seq: number;
  content: string;
  /** The summary's size in tokens. */
  token_count: number;
  /** The model that wrote the summary. */
  model: string | null;
  /** A JSON object; defaults to `{}`. */
  summary_metadata: Generated<Json>;
  created_at: Generated<Timestamp>;
}

/** A row of `conversation_summaries`. */
export type ConversationSummary = Selectable<ConversationSummariesTable>;
/** A new row for `conversation_summaries`. */
export type NewConversationSummary = Insertable<ConversationSummariesTable>;

/** `conversation_usage`: a conversation's running usage totals per model (`''`: messages stored without a model). */
export interface ConversationUsageTable {
  conversation_id: string;
  model: string;
  input_tokens: Generated<Int8>;
  output_tokens: Generated<Int8>;
  cached_tokens: Generated<Int8>;
  /** The part of `output_tokens` the model spent reasoning (learning/0013). */
  reasoning_tokens: Generated<Int8>;
  /** How many messages with usage or a model were counted (usage recorded with `addUsage` counts none). */
  message_count: Generated<number>;
}

/** A row of `conversation_usage`. */
export type ConversationUsage = Selectable<ConversationUsageTable>;

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
