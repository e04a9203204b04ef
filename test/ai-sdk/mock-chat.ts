// An AI SDK chat turn run offline: streamText on the AI SDK's own MockLanguageModelV3, two steps
// (reasoning, text and two tool calls, one of which fails; then the answer), and the UI messages
// its UI message stream ends with.
import { jsonSchema, stepCountIs, streamText, tool, type StepResult, type ToolSet, type UIMessage } from 'ai';
import { MockLanguageModelV3, simulateReadableStream } from 'ai/test';

/** A stream part of the language model specification the mock implements. */
type Chunk = MockLanguageModelV3['doStream'] extends (...args: never[]) => PromiseLike<{ stream: ReadableStream<infer P> }> ? P : never;

const usage = (input: number, cached: number, output: number, reasoning: number) => ({
  inputTokens: { total: input, noCache: input - cached, cacheRead: cached, cacheWrite: 0 },
  outputTokens: { total: output, text: output - reasoning, reasoning },
});

const firstStep = (turn: number): Chunk[] => [
  { type: 'stream-start', warnings: [] },
  { type: 'response-metadata', id: `resp-${turn}-1`, modelId: 'mock-model-2026', timestamp: new Date(0) },
  { type: 'reasoning-start', id: 'r1', providerMetadata: { mock: { signature: 'sig-1' } } },
  { type: 'reasoning-delta', id: 'r1', delta: 'The user asks about weather; ' },
  { type: 'reasoning-delta', id: 'r1', delta: 'call the tools.' },
  { type: 'reasoning-end', id: 'r1' },
  { type: 'text-start', id: 't1' },
  { type: 'text-delta', id: 't1', delta: 'Let me check.' },
  { type: 'text-end', id: 't1' },
  { type: 'tool-call', toolCallId: `call-${turn}-weather`, toolName: 'weather', input: JSON.stringify({ city: 'Paris', days: [1, 2] }) },
  { type: 'tool-call', toolCallId: `call-${turn}-broken`, toolName: 'broken', input: JSON.stringify({ why: 'test' }) },
  { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_use' }, usage: usage(120, 100, 40, 25) },
] as Chunk[];

const secondStep = (turn: number): Chunk[] => [
  { type: 'stream-start', warnings: [] },
  { type: 'response-metadata', id: `resp-${turn}-2`, modelId: 'mock-model-2026', timestamp: new Date(0) },
  { type: 'text-start', id: 't2', providerMetadata: { mock: { cited: true } } },
  { type: 'text-delta', id: 't2', delta: 'Sunny, 18 °C ' },
  { type: 'text-delta', id: 't2', delta: 'in Paris.' },
  { type: 'text-end', id: 't2' },
  { type: 'source', sourceType: 'url', id: 'src-1', url: 'https://weather.example/paris', title: 'Paris weather' },
  { type: 'finish', finishReason: { unified: 'stop', raw: 'end_turn' }, usage: usage(200, 150, 10, 0) },
] as Chunk[];

/** The tools of the mock chat: `weather` answers, `broken` throws (its part ends in `output-error`). */
export const tools = {
  weather: tool({
    inputSchema: jsonSchema<{ city: string; days: number[] }>({ type: 'object', properties: { city: { type: 'string' }, days: { type: 'array' } } }),
    execute: async ({ city }) => ({ city, forecast: [{ day: 1, temp: 18, sky: 'sunny' }, { day: 2, temp: null }] }),
  }),
  broken: tool({
    inputSchema: jsonSchema<{ why: string }>({ type: 'object' }),
    execute: async (): Promise<string> => {
      throw new Error('the broken tool failed');
    },
  }),
} satisfies ToolSet;

/** A mock model that streams the two steps of turn `turn`. */
export function mockModel(turn: number): MockLanguageModelV3 {
  return new MockLanguageModelV3({
    modelId: 'mock-model',
    doStream: [{ stream: simulateReadableStream<Chunk>({ chunks: firstStep(turn) }) }, { stream: simulateReadableStream<Chunk>({ chunks: secondStep(turn) }) }],
  });
}

/**
 * Runs one turn after `history` (its last message the user's) and returns what `onFinish` of the
 * UI message stream got (`messages`: the history and the answer), each step seen by onStepFinish
 * after `onStep` handled it, and what `onFinish` returned, awaited.
 */
export async function chatTurn<T>(
  history: UIMessage[],
  turn: number,
  handlers: { onStep?: (step: StepResult<typeof tools>) => Promise<unknown>; onFinish?: (messages: UIMessage[]) => Promise<T> } = {},
): Promise<{ messages: UIMessage[]; finished: T | undefined }> {
  const stepsHandled: Promise<unknown>[] = [];
  const { convertToModelMessages } = await import('ai');
  const result = streamText({
    model: mockModel(turn),
    system: 'You are a concise weather assistant.',
    messages: await convertToModelMessages(history),
    tools,
    stopWhen: stepCountIs(3),
    onStepFinish: (step) => void stepsHandled.push(handlers.onStep?.(step) ?? Promise.resolve()),
  });
  let finished: Promise<T | undefined> = Promise.resolve(undefined);
  let messages: UIMessage[] = [];
  const stream = result.toUIMessageStream({
    originalMessages: history,
    generateMessageId: () => `assistant-${turn}`,
    sendReasoning: true,
    sendSources: true,
    messageMetadata: ({ part }) => (part.type === 'finish' ? { turn, finishReason: part.finishReason } : undefined),
    onFinish: ({ messages: all }) => {
      messages = all;
      finished = handlers.onFinish ? handlers.onFinish(all) : finished;
    },
  });
  for await (const chunk of stream) void chunk;
  await Promise.all(stepsHandled);
  return { messages, finished: await finished };
}

/** A user message. */
export const userMessage = (id: string, text: string): UIMessage => ({ id, role: 'user', parts: [{ type: 'text', text }], metadata: { sentAt: '2026-12-03T18:00:00Z' } });
