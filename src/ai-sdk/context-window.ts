import { convertToModelMessages, type ModelMessage, type ToolSet, type UIMessage } from 'ai';
import { ConversationRepo, type ConversationSummary, type RepoOptions } from '../index.js';
import type { Executor } from '../repos/repo-context.js';
import { fromMessageRows } from './ui-message-rows.js';

/** Options of the AI SDK {@link contextWindow}: the token budget, and how the messages become model messages. */
export interface AIContextWindowOptions {
  /** The budget of the summary and the messages together, as `ConversationRepo.contextWindow` takes it. */
  readonly maxTokens: number;
  /** The tools, for `convertToModelMessages` (a tool's `toModelOutput`). */
  readonly tools?: ToolSet;
  /** Leave out tool calls that have no result yet (`convertToModelMessages`'s option); otherwise the AI SDK refuses them. */
  readonly ignoreIncompleteToolCalls?: boolean;
  /** How a summary is sent; default: a system message `The conversation so far, summarized: ...`. */
  readonly summaryMessage?: (summary: ConversationSummary) => ModelMessage;
}

const summarized = (summary: ConversationSummary): ModelMessage => ({ role: 'system', content: `The conversation so far, summarized: ${summary.content}` });

/**
 * The model messages to send next, ready for `streamText({ system, messages })`: the newest
 * summary first (as a system message, or as `summaryMessage` makes it), then the newest messages
 * that fit `maxTokens` with it, converted by the AI SDK's `convertToModelMessages`. The window is
 * `ConversationRepo.contextWindow`'s (one indexed statement; a saved UI message is one row, so a
 * tool call and its result are never split). Your system prompt is not in it: pass it as `system`.
 *
 * ### Examples
 * ```ts
 * const messages = await contextWindow(db, conversationId, { maxTokens: 8000 });
 * const result = streamText({ model, system: SYSTEM_PROMPT, messages });
 * ```
 */
export async function contextWindow(db: Executor, conversationId: string, options: AIContextWindowOptions, repoOptions?: RepoOptions): Promise<ModelMessage[]> {
  const { maxTokens, tools, ignoreIncompleteToolCalls, summaryMessage }: Partial<AIContextWindowOptions> = options ?? {};
  const window = await new ConversationRepo(db, repoOptions).contextWindow(conversationId, { maxTokens: maxTokens! });
  const messages = await convertToModelMessages(fromMessageRows(window.messages) as Omit<UIMessage, 'id'>[], {
    ...(tools ? { tools } : {}),
    ...(ignoreIncompleteToolCalls !== undefined ? { ignoreIncompleteToolCalls } : {}),
  });
  return window.summary ? [(summaryMessage ?? summarized)(window.summary), ...messages] : messages;
}
