/**
 * schema-kit/ai-sdk: AI SDK chats in the learning module's conversations. Save and load `UIMessage`
 * lists losslessly, record each step's token usage, and build the context window as `ModelMessage[]`.
 * Needs the `ai` package (an optional peer dependency of schema-kit).
 *
 * @packageDocumentation
 */
export { saveUIMessages, loadUIMessages, type SaveUIMessagesResult } from './save-ui-messages.js';
export { recordUsage, type StepUsage, type UsageEvent } from './record-usage.js';
export { contextWindow, type AIContextWindowOptions } from './context-window.js';
