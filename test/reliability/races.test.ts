import { describe, expect, it } from 'vitest';
import { BroadcastRepo, ConversationRepo, EventLogRepo, ProcessedMessageRepo } from '../../src/index.js';
import { createUser, useInstalledDatabase } from '../helpers/installed.js';

const ROUNDS = 25;

/**
 * Issue 14, item 1 and its class: every multi-row write that can race with another. Each entry
 * prepares a round and returns two calls over the same rows in opposite orders (or, for the
 * writes that pick their rows themselves, two identical calls), run at once; every round, both
 * must succeed (no 40P01 deadlock) and together do the work exactly once.
 */
describe('multi-row writes survive the opposite-order race', () => {
  const database = useInstalledDatabase(['idempotency', 'audit', 'learning', 'telegram']);
  let round = 0;

  interface Race {
    readonly calls: () => Promise<[() => Promise<unknown>, () => Promise<unknown>, (results: [unknown, unknown]) => void]>;
  }

  const races: Record<string, Race> = {
    'ProcessedMessageRepo.claimMany (the reported deadlock)': {
      calls: async () => {
        const inbox = new ProcessedMessageRepo(database().db);
        const ids = Array.from({ length: 100 }, (_, i) => `race:${round}:${i}`);
        return [
          () => inbox.claimMany(ids),
          () => inbox.claimMany([...ids].reverse()),
          ([a, b]) => expect((a as string[]).length + (b as string[]).length).toBe(100),
        ];
      },
    },
    'EventLogRepo.appendMany': {
      calls: async () => {
        const events = new EventLogRepo(database().db);
        const list = Array.from({ length: 100 }, (_, i) => ({ action: 'race', entity_type: 'race', entity_id: `${round}:${i}` }));
        return [() => events.appendMany(list), () => events.appendMany([...list].reverse()), ([a, b]) => expect([a, b].flat()).toHaveLength(200)];
      },
    },
    'ConversationRepo.addMessages': {
      calls: async () => {
        const chats = new ConversationRepo(database().db);
        const chat = await chats.start({ user_id: await createUser(database()) });
        const list = Array.from({ length: 50 }, (_, i) => ({ role: 'user' as const, content: `m${i}` }));
        return [() => chats.addMessages(chat.id, list), () => chats.addMessages(chat.id, [...list].reverse()), ([a, b]) => expect([a, b].flat()).toHaveLength(100)];
      },
    },
    'ProcessedMessageRepo.pruneOlderThan': {
      calls: async () => {
        const consumer = `prune:${round}`;
        const inbox = new ProcessedMessageRepo(database().db, { consumer });
        await inbox.claimMany(Array.from({ length: 200 }, (_, i) => `p${i}`));
        const cutoff = new Date(Date.now() + 60_000);
        const prune = () => inbox.pruneOlderThan(cutoff, { consumer, batchSize: 20 });
        return [prune, prune, ([a, b]) => expect((a as number) + (b as number)).toBe(200)];
      },
    },
    'BroadcastRepo.requeueStale': {
      calls: async () => {
        const broadcasts = new BroadcastRepo(database().db);
        while ((await broadcasts.claimDue(1000)).length > 0); // a queue of exactly this round's broadcasts
        await database().owner.db.withSchema('schema_kit').updateTable('broadcasts').set({ status: 'sent', sent_at: new Date() }).where('status', '=', 'sending').execute();
        for (let i = 0; i < 40; i += 1) await broadcasts.create({ title: `r${i}`, message_text: 'x', scheduled_at: new Date(Date.now() - 60_000) });
        expect(await broadcasts.claimDue(1000)).toHaveLength(40);
        const requeue = () => broadcasts.requeueStale(new Date(Date.now() + 60_000));
        return [
          requeue,
          requeue,
          ([a, b]) => {
            const ids = [a, b].flat().map((r) => (r as { id: string }).id);
            expect(new Set(ids).size).toBe(40);
            expect(ids).toHaveLength(40);
          },
        ];
      },
    },
    'BroadcastRepo.claimDue': {
      calls: async () => {
        const broadcasts = new BroadcastRepo(database().db);
        for (let i = 0; i < 40; i += 1) await broadcasts.create({ title: `d${i}`, message_text: 'x', scheduled_at: new Date(Date.now() - 60_000) });
        const claim = () => broadcasts.claimDue(1000);
        return [claim, claim, ([a, b]) => expect(new Set([a, b].flat().map((r) => (r as { id: string }).id)).size).toBe([a, b].flat().length)];
      },
    },
  };

  for (const [name, race] of Object.entries(races)) {
    it(name, async () => {
      for (let i = 0; i < ROUNDS; i += 1) {
        round += 1;
        const [first, second, check] = await race.calls();
        const settled = await Promise.allSettled([first(), second()]);
        for (const outcome of settled) if (outcome.status === 'rejected') throw outcome.reason;
        check(settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as [unknown, unknown]);
      }
    });
  }
});
