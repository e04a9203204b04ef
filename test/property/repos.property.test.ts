import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { EventLogRepo, ProcessedMessageRepo, RoleChangeLogRepo, SchemaKitValidationError, UserInterestRepo } from '../../src/index.js';
import { useInstalledDatabase } from '../helpers/installed.js';
import { hostileJson, hostileString, hostileValue, jsonRoundTrip } from './arbitraries.js';

const RUNS = { numRuns: 400 };

/** Runs `call`: returns its value, or `refused` for a typed validation error (anything else fails). */
async function acceptedOrRefused<T>(call: () => Promise<T>): Promise<{ accepted: true; value: T } | { accepted: false }> {
  try {
    return { accepted: true, value: await call() };
  } catch (error) {
    if (error instanceof SchemaKitValidationError) return { accepted: false };
    throw error;
  }
}

describe('hostile input: every input is stored exactly as given or refused with a typed error, writing nothing', () => {
  const database = useInstalledDatabase(['core', 'interests', 'roles', 'audit', 'idempotency']);
  const count = async (table: string) =>
    (await sql<{ n: number }>`select count(*)::int as n from ${sql.id('schema_kit', table)}`.execute(database().db)).rows[0]!.n;

  it('ProcessedMessageRepo.claim and isProcessed', async () => {
    const inbox = new ProcessedMessageRepo(database().db);
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileString, hostileValue), hostileString, async (id, consumer) => {
        const before = await count('processed_messages');
        const outcome = await acceptedOrRefused(() => inbox.claim(id as string, { consumer }));
        if (!outcome.accepted) {
          expect(await count('processed_messages')).toBe(before);
          return;
        }
        const stored = await sql<{ message_id: string; consumer: string }>`
          select message_id, consumer from schema_kit.processed_messages where consumer = ${consumer} and message_id = ${id}`.execute(database().db);
        expect(stored.rows).toEqual([{ message_id: id, consumer }]);
        expect(await inbox.isProcessed(id as string, { consumer })).toBe(true);
      }),
      RUNS,
    );
  });

  it('ProcessedMessageRepo.processOnce keeps any accepted JSON result exactly', async () => {
    const inbox = new ProcessedMessageRepo(database().db, { consumer: 'property' });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(hostileJson, async (result) => {
        const id = `result:${n++}`;
        const outcome = await acceptedOrRefused(() => inbox.processOnce(id, async () => result, { keepResult: true }));
        if (!outcome.accepted) {
          expect(await inbox.isProcessed(id)).toBe(false);
          return;
        }
        expect((await inbox.processOnce(id, async () => 'not run')).result).toEqual(jsonRoundTrip(result));
      }),
      RUNS,
    );
  });

  it('EventLogRepo.append', async () => {
    const events = new EventLogRepo(database().db);
    await fc.assert(
      fc.asyncProperty(
        fc.record({ user_id: fc.option(hostileString), action: hostileString, entity_type: hostileString, entity_id: fc.oneof(hostileString, fc.integer()), details: hostileJson }),
        async (event) => {
          const before = await count('event_log');
          const outcome = await acceptedOrRefused(() => events.append(event as never));
          if (!outcome.accepted) {
          expect(await count('event_log')).toBe(before);
          return;
        }
          const [stored] = (await events.listByEntity(event.entity_type, event.entity_id, { limit: 1 })).items;
          expect(stored).toMatchObject({ user_id: event.user_id, action: event.action, entity_type: event.entity_type, entity_id: String(event.entity_id) });
          expect(stored!.details).toEqual(jsonRoundTrip(event.details));
        },
      ),
      RUNS,
    );
  });

  it('RoleChangeLogRepo.record', async () => {
    const roles = new RoleChangeLogRepo(database().db);
    await fc.assert(
      fc.asyncProperty(
        fc.record({ user_id: fc.oneof(fc.uuid(), hostileString), new_role: fc.constantFrom('admin', 'public', 'root', ''), changed_by: hostileString, reason: fc.option(hostileString), change_source: fc.constantFrom('admin', 'api', 'hack'), change_metadata: hostileJson }),
        async (change) => {
          const before = await count('user_role_change_log');
          const outcome = await acceptedOrRefused(() => roles.record(change as never));
          if (!outcome.accepted) {
          expect(await count('user_role_change_log')).toBe(before);
          return;
        }
          expect(outcome.value).toMatchObject({ user_id: change.user_id.toLowerCase(), changed_by: change.changed_by, reason: change.reason, new_role: change.new_role });
          expect(outcome.value.change_metadata).toEqual(jsonRoundTrip(change.change_metadata));
        },
      ),
      RUNS,
    );
  });

  it('UserInterestRepo.add and listForPackage options', async () => {
    const interests = new UserInterestRepo(database().db);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uuid(), hostileString, hostileValue), fc.oneof(fc.uuid(), hostileValue), fc.anything(), async (user, pkg, options) => {
        const before = await count('user_interests');
        const outcome = await acceptedOrRefused(() => interests.add(user as string, pkg as string)).catch((error: { code?: string }) => {
          expect(error.code).toBe('conflict'); // a well-formed id that names no row: a typed foreign-key conflict
          return { accepted: false as const };
        });
        expect(outcome.accepted).toBe(false);
        expect(await count('user_interests')).toBe(before);
        await acceptedOrRefused(() => interests.listForPackage(pkg as string, options as never));
      }),
      RUNS,
    );
  });
});
