import type { UIMessage } from 'ai';
import type { ContentPart, ConversationMessage, JsonValue, MessageContentInput, ToolCall } from '../index.js';

/** The key of `messages.message_metadata` under which a UI message's id and metadata are kept. */
export const UI_MESSAGE_KEY = 'ai_sdk';

/** What `message_metadata.ai_sdk` holds: the UI message's id, and its metadata when it has some. */
export interface StoredUIMessage {
  readonly id: string;
  readonly metadata?: JsonValue;
}

/** A UI message as a `messages` row: its role, and what `ConversationRepo.updateMessage` writes. */
export interface UIMessageRow extends MessageContentInput {
  readonly role: UIMessage['role'];
  readonly message_metadata: { readonly [UI_MESSAGE_KEY]: StoredUIMessage };
}

type Part = UIMessage['parts'][number];
type ToolPart = Extract<Part, { toolCallId: string }>;

const isToolPart = (part: Part | ContentPart): part is ToolPart =>
  typeof (part as { toolCallId?: unknown }).toolCallId === 'string' && (part.type === 'dynamic-tool' || part.type.startsWith('tool-'));

/**
 * A UI message (as JSON: no `undefined` values) as a row: the text parts joined as `content`, an
 * assistant's tool calls as `tool_calls` (its id, tool and input, so the conversation records them),
 * every part in order as `content_parts` (a recorded call's part without its `input`, which
 * `tool_calls` holds), and the id and metadata under `message_metadata.ai_sdk`. A call id that
 * appears in two parts of the message is not recorded: its parts keep their input.
 */
export function toUIMessageRow(message: UIMessage): UIMessageRow {
  const parts = message.parts;
  const ids = parts.filter(isToolPart).map((part) => part.toolCallId);
  const once = (id: string) => ids.indexOf(id) === ids.lastIndexOf(id);
  const calls: ToolCall[] = [];
  const stored = parts.map((part) => {
    if (message.role !== 'assistant' || !isToolPart(part) || !('input' in part) || !once(part.toolCallId)) return part;
    const { input, ...rest } = part as ToolPart & { input: JsonValue };
    calls.push({ id: part.toolCallId, name: part.type === 'dynamic-tool' ? part.toolName : part.type.slice('tool-'.length), arguments: input });
    return rest;
  });
  const text = parts.flatMap((part) => (part.type === 'text' ? [part.text] : []));
  return {
    role: message.role,
    content: text.join('\n'),
    content_parts: stored as unknown as ContentPart[],
    tool_calls: calls.length > 0 ? calls : null,
    message_metadata: { [UI_MESSAGE_KEY]: 'metadata' in message ? { id: message.id, metadata: message.metadata as JsonValue } : { id: message.id } },
  };
}

/**
 * Stored messages as UI messages, in order. A row `saveUIMessages` wrote comes back as it was
 * saved (each recorded call's input put back into its part). A row written otherwise (with
 * `ConversationRepo.addMessage`) becomes a message of its text, its tool calls as `dynamic-tool`
 * parts, and a `tool` row's result as the output of the call it answers; its id is the row's.
 */
export function fromMessageRows(rows: readonly ConversationMessage[]): UIMessage[] {
  const messages: UIMessage[] = [];
  const openCalls = new Map<string, Record<string, unknown>>();
  for (const row of rows) {
    const saved = (row.message_metadata as { [UI_MESSAGE_KEY]?: StoredUIMessage })[UI_MESSAGE_KEY];
    if (saved && row.role !== 'tool') messages.push(savedMessage(row, saved));
    else if (row.role !== 'tool') messages.push(plainMessage(row, openCalls));
    else answer(row, openCalls);
  }
  return messages;
}

function savedMessage(row: ConversationMessage, saved: StoredUIMessage): UIMessage {
  const inputs = new Map((row.tool_calls ?? []).map((call) => [call.id, call.arguments]));
  const parts = (row.content_parts ?? []).map((part) =>
    isToolPart(part) && !('input' in part) && inputs.has(part.toolCallId) ? { ...part, input: inputs.get(part.toolCallId) } : part,
  );
  const message = { id: saved.id, role: row.role as UIMessage['role'], parts: parts as UIMessage['parts'] };
  return 'metadata' in saved ? { ...message, metadata: saved.metadata } : message;
}

function plainMessage(row: ConversationMessage, openCalls: Map<string, Record<string, unknown>>): UIMessage {
  const parts: Record<string, unknown>[] = row.content === '' ? [] : [{ type: 'text', text: row.content }];
  for (const call of row.tool_calls ?? []) {
    const part = { type: 'dynamic-tool', toolName: call.name, toolCallId: call.id, state: 'input-available', input: call.arguments };
    openCalls.set(call.id, part);
    parts.push(part);
  }
  return { id: row.id, role: row.role as UIMessage['role'], parts: parts as UIMessage['parts'] };
}

/** A `tool` row written otherwise: its result becomes the output of the call's part. */
function answer(row: ConversationMessage, openCalls: Map<string, Record<string, unknown>>): void {
  const part = row.tool_call_id == null ? undefined : openCalls.get(row.tool_call_id);
  if (!part) return; // its call is not among the rows read (a summary or the window's cut left it out)
  part.state = 'output-available';
  part.output = parsedOrText(row.content);
}

function parsedOrText(content: string): unknown {
  try {
    return JSON.parse(content) as unknown;
  } catch {
    return content;
  }
}
