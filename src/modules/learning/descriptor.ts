import { defineModule, table } from '../../module-descriptor.js';
import { shippedMigrations } from '../../migrate/migration-source.js';
import type { VocabularyTable } from '../../vocabulary/types.js';
import type {
  ConversationsTable,
  ConversationSummariesTable,
  ConversationUsageTable,
  ExercisesTable,
  MessageToolCallsTable,
  MessagesTable,
  UserExercisesTable,
  UserMemoryTable,
} from './tables.js';
import { DEFAULT_EXERCISE_DIFFICULTIES, DEFAULT_EXERCISE_TYPES } from './values.js';

const viaConversation = { by: 'parent', table: 'conversations', column: 'conversation_id' } as const;

/** The learning module, as the shared machinery reads it. */
export const learningModule = defineModule({
  name: 'learning',
  dependsOn: ['core'],
  summary: 'exercises, user_exercises, conversations with their messages, tool calls, summaries and usage, user_memory',
  migrations: shippedMigrations('learning'),
  tables: {
    exercises: table<ExercisesTable>(),
    user_exercises: table<UserExercisesTable>(),
    conversations: table<ConversationsTable>(),
    messages: table<MessagesTable>(),
    message_tool_calls: table<MessageToolCallsTable>(),
    conversation_summaries: table<ConversationSummariesTable>(),
    conversation_usage: table<ConversationUsageTable>(),
    user_memory: table<UserMemoryTable>(),
    exercise_types: table<VocabularyTable>(),
    exercise_difficulties: table<VocabularyTable>(),
  },
  vocabularies: {
    exercise_type: { table: 'exercise_types', columns: ['exercises.exercise_type'], defaults: DEFAULT_EXERCISE_TYPES },
    exercise_difficulty: {
      table: 'exercise_difficulties',
      columns: ['exercises.difficulty', 'user_memory.preferred_difficulty'],
      defaults: DEFAULT_EXERCISE_DIFFICULTIES,
    },
  },
  appendOnlyLogs: [],
  partitionedLogs: [],
  personalData: [
    { table: 'messages', reach: viaConversation, erasure: 'delete' },
    { table: 'message_tool_calls', reach: viaConversation, erasure: 'delete' },
    { table: 'conversation_summaries', reach: viaConversation, erasure: 'delete' },
    { table: 'conversation_usage', reach: viaConversation, erasure: 'delete' },
    { table: 'conversations', reach: { by: 'user_id' }, erasure: 'delete' },
    { table: 'user_exercises', reach: { by: 'user_id' }, erasure: 'delete' },
    { table: 'user_memory', reach: { by: 'user_id' }, erasure: 'delete' },
  ],
  functions: {},
});
