import type { ModelUsage } from './context-window.js';

/** Usage totals of a conversation or of a user: per model, and all models together. */
export interface UsageTotals {
  /** One entry per model (`model` null: usage stored without a model), ordered by model. */
  readonly byModel: ModelUsage[];
  /** The entries of `byModel` added up. */
  readonly total: Omit<ModelUsage, 'model'>;
}

/** Adds up the per-model rows into {@link UsageTotals}. */
export function usageTotals(byModel: ModelUsage[]): UsageTotals {
  const total = { input_tokens: 0, output_tokens: 0, cached_tokens: 0, reasoning_tokens: 0, message_count: 0 };
  for (const row of byModel) {
    total.input_tokens += row.input_tokens;
    total.output_tokens += row.output_tokens;
    total.cached_tokens += row.cached_tokens;
    total.reasoning_tokens += row.reasoning_tokens;
    total.message_count += row.message_count;
  }
  return { byModel, total };
}
