import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SchemaKitConflictError, SchemaKitValidationError } from '../../../src/index.js';
import { ConversationRepo } from '../../../src/modules/learning/index.js';
import { DissonanceRepo } from '../../../src/modules/insights/index.js';
import { createUser, useInstalledDatabase } from '../../helpers/installed.js';
import { nextClockTick } from '../../helpers/target.js';

describe('DissonanceRepo', () => {
  const database = useInstalledDatabase(['insights']);
  const dissonance = () => new DissonanceRepo(database().db);
  const count = async () => (await sql<{ n: number }>`select count(*)::int as n from schema_kit.dissonance_records`.execute(database().db)).rows[0]!.n;

  it('records a detection with its JSON emotions, tied to a conversation', async () => {
    const user = await createUser(database());
    const chat = await new ConversationRepo(database().db).start({ user_id: user });
    const record = await dissonance().record({ user_id: user, conversation_id: chat.id, transcript: 'I am fine.', emotions: { fear: 0.7 }, interpretation: 'masking', dissonance_score: 0.92, risk_level: 'high' });
    expect(record).toMatchObject({ user_id: user, conversation_id: chat.id, emotions: { fear: 0.7 }, dissonance_score: 0.92, risk_level: 'high' });
    expect((await dissonance().record({ user_id: user, dissonance_score: 0, risk_level: 'low' })).emotions).toBeNull();
  });

  it('lists by risk level and minimum score, highest score first, in keyset pages', async () => {
    const user = await createUser(database());
    const scores = [0.95, 0.6, 0.85, 0.85, 0.99, 0.3, 0.85];
    for (const [i, s] of scores.entries()) {
      await dissonance().record({ user_id: user, dissonance_score: s, risk_level: i % 2 ? 'critical' : 'medium' });
      await nextClockTick();
    }
    const seen = [];
    let after: string | null = null;
    do {
      const page = await dissonance().list({ risk_level: 'medium', min_score: 0.5, limit: 2, ...(after ? { after } : {}) });
      seen.push(...page.items);
      after = page.next;
    } while (after);
    expect(seen.map((r) => r.dissonance_score)).toEqual([0.99, 0.95, 0.85, 0.85]);
    expect(new Set(seen.map((r) => r.id)).size).toBe(4);
    expect((await dissonance().list({ risk_level: ['medium', 'critical'], min_score: 0.85 })).items.map((r) => r.dissonance_score)).toEqual([0.99, 0.95, 0.85, 0.85, 0.85]);
    expect((await dissonance().list({ min_score: 0.99 })).items.map((r) => r.dissonance_score)).toEqual([0.99]);
    const mine = await dissonance().listForUser(user, { limit: 4 });
    const rest = await dissonance().listForUser(user, { limit: 4, after: mine.next! });
    expect([...mine.items, ...rest.items].map((r) => r.dissonance_score)).toEqual([...scores].reverse());
  });

  it('refuses an unknown conversation with a conflict naming the foreign key', async () => {
    const error = await dissonance()
      .record({ user_id: await createUser(database()), conversation_id: '00000000-0000-4000-8000-000000000000', dissonance_score: 0.1, risk_level: 'low' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitConflictError);
    expect((error as SchemaKitConflictError).constraint).toBe('dissonance_records_conversation_id_fkey');
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const user = await createUser(database());
    const before = await count();
    const ok = { user_id: user, dissonance_score: 0.5, risk_level: 'low' as const };
    const cases: [() => Promise<unknown>, string][] = [
      [() => dissonance().record({ ...ok, dissonance_score: 1.5 }), 'record.dissonance_score'],
      [() => dissonance().record({ ...ok, dissonance_score: Number.NaN }), 'record.dissonance_score'],
      [() => dissonance().record({ ...ok, risk_level: 'severe' as never }), 'record.risk_level'],
      [() => dissonance().record({ ...ok, user_id: 'u' }), 'record.user_id'],
      [() => dissonance().record({ ...ok, emotions: { joy: () => 1 } }), 'record.emotions.joy'],
      [() => dissonance().list({ min_score: -0.1 }), 'options.min_score'],
      [() => dissonance().list({ risk_level: [] }), 'options.risk_level'],
      [() => dissonance().list({ risk_level: 'Huge' }), 'options.risk_level'],
      [() => dissonance().listForUser(user, { after: 'abc' }), 'options.after'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect(await count()).toBe(before);
  });
});
