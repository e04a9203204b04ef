import type { LanguageModelUsage } from 'ai';
import { ConversationRepo, SchemaKitValidationError, type NewUsageInput, type RepoOptions } from '../index.js';
import type { Executor } from '../repos/repo-context.js';

/** What {@link recordUsage} reads of an AI SDK step (`onStepFinish`'s argument, a `StepResult`): its usage and model. */
export interface StepUsage {
  readonly usage: Partial<LanguageModelUsage>;
  /** The model the step asked for. */
  readonly model?: { readonly modelId?: string };
  /** The model that answered, as the provider reports it (preferred over `model`). */
  readonly response?: { readonly modelId?: string };
}

/** What {@link recordUsage} records: one step (`onStepFinish`), or every step of a call (`onFinish`'s `steps`). */
export type UsageEvent = StepUsage | { readonly steps: readonly StepUsage[] };

/**
 * Records the token usage of AI SDK steps in the conversation's usage ledger
 * (`conversation_usage`, totals per model): input (cached ones included), output (reasoning ones
 * included), cached input and reasoning tokens, under the model that answered. Pass `streamText`'s
 * `onStepFinish` argument (one step) or its `onFinish` event (all its steps at once): use one of
 * the two, not both, or the steps count twice. One statement. Read the totals with
 * `ConversationRepo.usage` (per conversation) and `usageForUser` (per user).
 *
 * ### Examples
 * ```ts
 * streamText({ model, messages, onStepFinish: (step) => recordUsage(db, conversationId, step) });
 * ```
 */
export async function recordUsage(db: Executor, conversationId: string, event: UsageEvent, options?: RepoOptions): Promise<void> {
  if (typeof event !== 'object' || event === null) throw new SchemaKitValidationError('event', 'must be an AI SDK step or onFinish event');
  const steps = 'steps' in event ? event.steps : [event];
  if (!Array.isArray(steps) || steps.some((step) => typeof step !== 'object' || step === null)) {
    throw new SchemaKitValidationError('event.steps', 'must be a list of AI SDK steps');
  }
  await new ConversationRepo(db, options).addUsage(conversationId, steps.map(usageOf));
}

function usageOf(step: StepUsage): NewUsageInput {
  const usage = step.usage ?? {};
  return {
    model: step.response?.modelId ?? step.model?.modelId ?? null,
    input_tokens: usage.inputTokens ?? null,
    output_tokens: usage.outputTokens ?? null,
    cached_tokens: usage.inputTokenDetails?.cacheReadTokens ?? usage.cachedInputTokens ?? null,
    reasoning_tokens: usage.outputTokenDetails?.reasoningTokens ?? usage.reasoningTokens ?? null,
  };
}
