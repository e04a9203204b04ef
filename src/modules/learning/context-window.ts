import { sql, type RawBuilder } from 'kysely';
import type { ConversationMessage, ConversationSummary } from './tables.js';
import type { RepoContext } from '../../repos/repo-context.js';

/** Every column of `messages`, in table order, as the conversation repository returns them. */
export const MESSAGE_COLUMNS = [
  'id', 'conversation_id', 'seq', 'role', 'content', 'content_parts', 'tool_calls', 'tool_call_id', 'call_seq', 'model',
  'input_tokens', 'output_tokens', 'cached_tokens', 'finish_reason', 'latency_ms', 'message_metadata', 'tokens_used',
  'context_tokens', 'created_at',
] as const;

/** A conversation's usage totals for one model (`model` null: messages stored without a model). */
export interface ModelUsage {
  readonly model: string | null;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cached_tokens: number;
  /** The part of `output_tokens` spent reasoning (recorded with `ConversationRepo.addUsage`). */
  readonly reasoning_tokens: number;
  /** How many messages with usage or a model were counted (usage recorded with `addUsage` counts none). */
  readonly message_count: number;
}

/** What to send a model next: the newest summary, the newest messages after it that fit the budget, and the usage so far. */
export interface ContextWindow {
  /** The newest summary of the conversation, or null; it stands in for the messages up to its `through_seq`. */
  readonly summary: ConversationSummary | null;
  /** The newest messages after the summary that fit the budget, oldest first; a tool call and its results are never split. */
  readonly messages: ConversationMessage[];
  /** The tokens of the summary and the messages together (at most the budget, unless the summary alone exceeds it). */
  readonly tokens: number;
  /** The conversation's running usage totals, one entry per model. */
  readonly usage: ModelUsage[];
}

interface WindowRow extends ConversationMessage {
  found: boolean;
  summary: (Omit<ConversationSummary, 'created_at'> & { created_at: string }) | null;
  usage: ModelUsage[] | null;
}

/**
 * The SQL of a context window, one statement: the newest summary (index on (conversation_id, id)),
 * then a walk back from the newest message one index probe at a time (an index-only scan of
 * (conversation_id, seq) INCLUDE (call_seq, context_tokens)) that stops as soon as the running total
 * passes the budget; the cut is the oldest message reached within budget such that no message at
 * or after it answers a call made before it. One row per message (one row with null message columns
 * when there is none), each carrying the summary and the usage totals.
 */
export function contextWindowQuery(ctx: RepoContext, conversationId: string, maxTokens: number): RawBuilder<WindowRow> {
  const table = (name: string) => sql.id(ctx.schema, name);
  const columns = sql.join(MESSAGE_COLUMNS.map((c) => sql`m.${sql.id(c)}`));
  return sql<WindowRow>`
    with recursive summary as (
      select s.id::text as id, s.conversation_id, s.through_seq, s.content, s.token_count, s.model, s.summary_metadata, s.created_at
      from ${table('conversation_summaries')} as s
      where s.conversation_id = ${conversationId}
      order by s.id desc
      limit 1
    ),
    bounds as (
      select coalesce((select through_seq from summary), 0) as floor,
        ${maxTokens}::bigint - coalesce((select token_count from summary), 0) as budget
    ),
    walk (seq, first_seq, total) as (
      (select m.seq, coalesce(m.call_seq, m.seq), m.context_tokens::bigint
       from ${table('messages')} as m, bounds as b
       where m.conversation_id = ${conversationId} and m.seq > b.floor
       order by m.seq desc
       limit 1)
      union all
      select n.seq, least(w.first_seq, n.first_seq), w.total + n.context_tokens
      from walk as w
      cross join bounds as b
      cross join lateral (
        select m.seq, coalesce(m.call_seq, m.seq) as first_seq, m.context_tokens
        from ${table('messages')} as m
        where m.conversation_id = ${conversationId} and m.seq < w.seq and m.seq > b.floor
        order by m.seq desc
        limit 1
      ) as n
      where w.total <= b.budget
    ),
    cut as (
      select min(w.seq) as seq from walk as w, bounds as b where w.total <= b.budget and w.first_seq >= w.seq
    ),
    head as (
      select exists (select from ${table('conversations')} where id = ${conversationId}) as found,
        (select row_to_json(summary) from summary) as summary,
        (select json_agg(json_build_object(
            'model', nullif(u.model, ''), 'input_tokens', u.input_tokens, 'output_tokens', u.output_tokens,
            'cached_tokens', u.cached_tokens, 'reasoning_tokens', u.reasoning_tokens, 'message_count', u.message_count) order by u.model)
         from ${table('conversation_usage')} as u where u.conversation_id = ${conversationId}) as usage
    )
    select h.found, h.summary, h.usage, ${columns}
    from head as h
    left join ${table('messages')} as m on m.conversation_id = ${conversationId} and m.seq >= (select seq from cut)
    order by m.seq`;
}

/** Builds the {@link ContextWindow} from the rows of {@link contextWindowQuery}; undefined when the conversation does not exist. */
export function toContextWindow(rows: WindowRow[]): ContextWindow | undefined {
  const head = rows[0];
  if (!head?.found) return undefined;
  const summary = head.summary ? { ...head.summary, created_at: new Date(head.summary.created_at) } : null;
  const messages = rows
    .filter((row) => row.id !== null)
    .map(({ found: _found, summary: _summary, usage: _usage, ...message }) => message);
  const tokens = (summary?.token_count ?? 0) + messages.reduce((sum, m) => sum + m.context_tokens, 0);
  return { summary, messages, tokens, usage: head.usage ?? [] };
}
