/** The idempotency module: its tables, value sets, input schemas and repositories. */

export {
  type ProcessedMessagesTable,
  type ProcessedMessage,
  type NewProcessedMessage,
  type ProcessedMessageUpdate,
} from './tables.js';
export { messageIdSchema, consumerSchema } from './validation.js';
export {
  ProcessedMessageRepo,
  type ProcessedMessageRepoOptions,
  type ProcessOnceResult,
} from './processed-message-repo.js';
export { idempotencyModule } from './descriptor.js';
