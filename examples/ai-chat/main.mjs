// An AI SDK chat persisted in schema-kit, offline: streamText on the AI SDK's mock model (reasoning,
// a tool call, then the answer), the UI messages saved in onFinish, each step's usage recorded,
// the chat loaded back and validated, and the next turn's context window built from the database.
import { isDeepStrictEqual } from 'node:util';
import { convertToModelMessages, jsonSchema, stepCountIs, streamText, tool, validateUIMessages } from 'ai';
import { MockLanguageModelV3, simulateReadableStream } from 'ai/test';
import { ConversationRepo, migrateToLatest, UserRepo } from 'schema-kit';
import { contextWindow, loadUIMessages, recordUsage, saveUIMessages } from 'schema-kit/ai-sdk';
import { runExample } from '../shared/open-database.mjs';

const SYSTEM_PROMPT = 'You are a concise weather assistant.';
const usage = (input, cached, output, reasoning) => ({
  inputTokens: { total: input, noCache: input - cached, cacheRead: cached, cacheWrite: 0 },
  outputTokens: { total: output, text: output - reasoning, reasoning },
});
/** A model that thinks, calls the weather tool, then answers: two steps, streamed offline. */
const model = () =>
  new MockLanguageModelV3({
    doStream: [
      { stream: simulateReadableStream({ chunks: [
        { type: 'response-metadata', id: 'r1', modelId: 'mock-weather-1', timestamp: new Date(0) },
        { type: 'reasoning-start', id: 'th' }, { type: 'reasoning-delta', id: 'th', delta: 'Look the weather up.' }, { type: 'reasoning-end', id: 'th' },
        { type: 'tool-call', toolCallId: 'call_weather_1', toolName: 'weather', input: '{"city":"Paris"}' },
        { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_use' }, usage: usage(90, 64, 30, 18) },
      ] }) },
      { stream: simulateReadableStream({ chunks: [
        { type: 'response-metadata', id: 'r2', modelId: 'mock-weather-1', timestamp: new Date(0) },
        { type: 'text-start', id: 't' }, { type: 'text-delta', id: 't', delta: 'Sunny, 18 °C in Paris.' }, { type: 'text-end', id: 't' },
        { type: 'finish', finishReason: { unified: 'stop', raw: 'end_turn' }, usage: usage(130, 90, 8, 0) },
      ] }) },
    ],
  });
const tools = {
  weather: tool({
    inputSchema: jsonSchema({ type: 'object', properties: { city: { type: 'string' } } }),
    execute: async ({ city }) => ({ city, sky: 'sunny', celsius: 18 }),
  }),
};

await runExample(async (db) => {
  const { error } = await migrateToLatest(db, { add: ['core', 'learning'] });
  if (error) throw error;
  const user = await new UserRepo(db).create({ name: 'Ada' });
  const chats = new ConversationRepo(db);
  const chat = await chats.start({ user_id: user.id, title: 'Weather' });

  // one turn, as a route handler runs it: the client's messages in, the answer streamed out
  const history = [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Weather in Paris?' }] }];
  const steps = [];
  let saved;
  const result = streamText({
    model: model(), system: SYSTEM_PROMPT, messages: await convertToModelMessages(history), tools, stopWhen: stepCountIs(3),
    onStepFinish: (step) => void steps.push(recordUsage(db, chat.id, step)),
  });
  const stream = result.toUIMessageStream({
    originalMessages: history,
    generateMessageId: () => 'a1',
    onFinish: ({ messages }) => void (saved = saveUIMessages(db, chat.id, messages).then((r) => ({ r, messages }))),
  });
  for await (const chunk of stream) void chunk; // a host returns result.toUIMessageStreamResponse(...) instead
  await Promise.all(steps);
  const { r, messages } = await saved;
  console.log(`saved: ${r.inserted} inserted, ${r.updated} updated, ${r.unchanged} unchanged`);

  const loaded = await loadUIMessages(db, chat.id);
  console.log(`loaded: ${loaded.map((m) => `${m.role}[${m.parts.map((p) => p.type).join(',')}]`).join(' ')}`);
  await validateUIMessages({ messages: loaded, tools });
  console.log(`valid for the AI SDK: yes; equal to what was saved: ${isDeepStrictEqual(loaded, JSON.parse(JSON.stringify(messages)))}`);
  const again = await saveUIMessages(db, chat.id, messages);
  console.log(`saved again: ${again.inserted} inserted, ${again.updated} updated, ${again.unchanged} unchanged`);

  const { total } = await chats.usage(chat.id);
  console.log(`usage: ${total.input_tokens} in (${total.cached_tokens} cached), ${total.output_tokens} out (${total.reasoning_tokens} reasoning)`);
  const window = await contextWindow(db, chat.id, { maxTokens: 4000 });
  console.log(`next context window: ${window.map((m) => m.role).join(', ')}`);
});
