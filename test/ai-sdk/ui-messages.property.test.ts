// Property: any list of UI messages (every part type, every tool state, metadata and provider
// metadata, as JSON) saved with saveUIMessages loads back deeply equal, passes the AI SDK's
// validateUIMessages, and saved again writes nothing. On PostgreSQL and on PGlite.
import fc from 'fast-check';
import { validateUIMessages, type UIMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { loadUIMessages, saveUIMessages } from '../../src/ai-sdk/index.js';
import { ConversationRepo } from '../../src/index.js';
import { createUser, useInstalledDatabase } from '../helpers/installed.js';
import { TEST_TARGET } from '../helpers/target.js';

/** Text PostgreSQL stores as given (no NUL, no lone surrogate: the library refuses those). */
const text = fc.string({ unit: 'grapheme', maxLength: 24 }).filter((s) => !s.includes('\u0000'));
const name = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,11}$/);
const json = fc.jsonValue({ maxDepth: 3 }).filter((v) => !JSON.stringify(v).includes('\\u0000'));
const jsonObject = fc.dictionary(name, json, { maxKeys: 3 });
const providerMetadata = fc.dictionary(name, jsonObject, { minKeys: 1, maxKeys: 2 });
const optional = <T>(key: string, value: fc.Arbitrary<T>) => fc.option(value, { nil: undefined }).map((v) => (v === undefined ? {} : { [key]: v }));
const merge = (...parts: fc.Arbitrary<Record<string, unknown>>[]) => fc.tuple(...parts).map((all) => Object.assign({}, ...all) as Record<string, unknown>);
const doneOrStreaming = optional('state', fc.constantFrom('streaming', 'done'));

const textPart = merge(fc.constant({ type: 'text' }), text.map((t) => ({ text: t })), doneOrStreaming, optional('providerMetadata', providerMetadata));
const reasoningPart = merge(fc.constant({ type: 'reasoning' }), optional('id', name), text.map((t) => ({ text: t })), doneOrStreaming, optional('providerMetadata', providerMetadata));
const filePart = merge(fc.constant({ type: 'file' }), fc.constantFrom('image/png', 'application/pdf').map((m) => ({ mediaType: m })), fc.webUrl().map((url) => ({ url })), optional('filename', text), optional('providerMetadata', providerMetadata));
const sourceUrlPart = merge(fc.constant({ type: 'source-url' }), name.map((id) => ({ sourceId: id })), fc.webUrl().map((url) => ({ url })), optional('title', text), optional('providerMetadata', providerMetadata));
const sourceDocumentPart = merge(fc.constant({ type: 'source-document' }), name.map((id) => ({ sourceId: id })), fc.constant({ mediaType: 'text/plain' }), text.map((t) => ({ title: t })), optional('filename', text), optional('providerMetadata', providerMetadata));
const dataPart = merge(name.map((n) => ({ type: `data-${n}` })), optional('id', name), json.map((data) => ({ data })));
const stepStart = fc.constant({ type: 'step-start' });

const approval = (approved: boolean | undefined) =>
  merge(name.map((id) => ({ id })), approved === undefined ? fc.constant({}) : fc.constant({ approved }), optional('reason', text));
/** A tool invocation in each state the AI SDK has, with what that state carries. */
const toolState = fc.oneof(
  merge(fc.constant({ state: 'input-streaming' }), optional('input', json), optional('rawInput', text)),
  merge(fc.constant({ state: 'input-available' }), json.map((input) => ({ input }))),
  merge(fc.constant({ state: 'approval-requested' }), json.map((input) => ({ input })), approval(undefined).map((a) => ({ approval: { id: a.id } }))),
  merge(fc.constant({ state: 'approval-responded' }), json.map((input) => ({ input })), approval(true).map((approval) => ({ approval }))),
  merge(fc.constant({ state: 'output-available' }), json.map((input) => ({ input })), json.map((output) => ({ output })), optional('preliminary', fc.boolean()), optional('resultProviderMetadata', providerMetadata)),
  merge(fc.constant({ state: 'output-error' }), optional('input', json), text.map((errorText) => ({ errorText }))),
  merge(fc.constant({ state: 'output-denied' }), json.map((input) => ({ input })), approval(false).map((approval) => ({ approval }))),
);
const toolCommon = merge(optional('title', text), optional('providerExecuted', fc.boolean()), optional('callProviderMetadata', providerMetadata));
const staticTool = merge(name.map((n) => ({ type: `tool-${n}`, toolCallId: '' })), toolCommon, toolState);
const dynamicTool = merge(fc.constant({ type: 'dynamic-tool', toolCallId: '' }), name.map((toolName) => ({ toolName })), toolCommon, toolState);

const assistantPart = fc.oneof(textPart, reasoningPart, staticTool, dynamicTool, filePart, sourceUrlPart, sourceDocumentPart, dataPart, stepStart);
const userPart = fc.oneof(textPart, filePart, dataPart);
const message = fc.oneof(
  fc.record({ role: fc.constant('user'), parts: fc.array(userPart, { minLength: 1, maxLength: 4 }) }),
  fc.record({ role: fc.constant('assistant'), parts: fc.array(assistantPart, { minLength: 1, maxLength: 8 }) }),
  fc.record({ role: fc.constant('system'), parts: fc.array(textPart, { minLength: 1, maxLength: 2 }) }),
).chain((m) => optional('metadata', json).map((metadata) => ({ ...m, ...metadata })));

/** Messages with unique ids and tool call ids unique in the conversation, as the AI SDK makes them. */
const chat = fc.array(message, { maxLength: 8 }).chain((messages) =>
  fc.constantFrom('msg', 'm-', 'aBc').map((prefix) => {
    let calls = 0;
    return messages.map((m, i) => ({
      id: `${prefix}${i}`,
      ...m,
      parts: m.parts.map((p) => ('toolCallId' in p ? { ...p, toolCallId: `call_${++calls}` } : p)),
    })) as UIMessage[];
  }),
);

describe('saveUIMessages and loadUIMessages, property', () => {
  const database = useInstalledDatabase(['learning']);
  const runs = TEST_TARGET === 'pglite' ? 40 : 100;

  it('round-trips any chat losslessly, valid for the AI SDK, and a resave writes nothing', async () => {
    const userId = await createUser(database());
    const repo = new ConversationRepo(database().db);
    await fc.assert(
      fc.asyncProperty(chat, fc.nat(), async (messages, split) => {
        const { id } = await repo.start({ user_id: userId });
        const cut = messages.length === 0 ? 0 : split % (messages.length + 1);
        // saved in two turns (as a chat grows), then the whole chat again
        await saveUIMessages(database().db, id, messages.slice(0, cut));
        expect(await saveUIMessages(database().db, id, messages)).toMatchObject({ inserted: messages.length - cut, updated: 0 });
        const loaded = await loadUIMessages(database().db, id);
        expect(loaded).toStrictEqual(JSON.parse(JSON.stringify(messages)));
        if (loaded.length > 0) expect(await validateUIMessages({ messages: loaded })).toBeTruthy();
        expect(await saveUIMessages(database().db, id, messages)).toEqual({ inserted: 0, updated: 0, unchanged: messages.length });
      }),
      { numRuns: runs },
    );
  });
});
