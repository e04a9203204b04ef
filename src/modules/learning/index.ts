/** The learning module: its tables, value sets, input schemas and repositories. */

export {
  type ExercisesTable,
  type Exercise,
  type NewExercise,
  type ExerciseUpdate,
  type UserExercisesTable,
  type UserExercise,
  type NewUserExercise,
  type UserExerciseUpdate,
  type ConversationsTable,
  type Conversation,
  type NewConversation,
  type ConversationUpdate,
  type MessagesTable,
  type Message,
  type NewMessage,
  type MessageUpdate,
  type ToolCall,
  type ContentPart,
  type ConversationMessage,
  type MessageToolCallsTable,
  type MessageToolCall,
  type ConversationSummariesTable,
  type ConversationSummary,
  type NewConversationSummary,
  type ConversationUsageTable,
  type ConversationUsage,
  type UserMemoryTable,
  type UserMemory,
  type NewUserMemory,
  type UserMemoryUpdate,
} from './tables.js';
export {
  DEFAULT_EXERCISE_TYPES,
  DEFAULT_EXERCISE_DIFFICULTIES,
  EXERCISE_STATUSES,
  MESSAGE_ROLES,
  type DefaultExerciseType,
  type ExerciseType,
  type DefaultExerciseDifficulty,
  type ExerciseDifficulty,
  type ExerciseStatus,
  type MessageRole,
} from './values.js';
export {
  newConversationSchema,
  newMessageSchema,
  toolCallSchema,
  contentPartSchema,
  newSummarySchema,
  newUsageSchema,
  newUsageListSchema,
  messageContentSchema,
  contextWindowOptionsSchema,
  newExerciseSchema,
  exerciseCompletionSchema,
  memoryMergeSchema,
  memoryAppendSchema,
  type NewConversationInput,
  type NewMessageInput,
  type NewSummaryInput,
  type NewUsageInput,
  type MessageContentInput,
  type ContextWindowOptions,
  type NewExerciseInput,
  type ExerciseCompletionInput,
  type MemoryMergeInput,
  type MemoryAppendInput,
} from './validation.js';
export { ConversationRepo } from './conversation-repo.js';
export type { ContextWindow, ModelUsage } from './context-window.js';
export type { UsageTotals } from './usage-totals.js';
export { ExerciseRepo } from './exercise-repo.js';
export { UserExerciseRepo } from './user-exercise-repo.js';
export { UserMemoryRepo } from './user-memory-repo.js';
export { learningModule } from './descriptor.js';
