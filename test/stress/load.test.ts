import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { EventLogRepo, ProcessedMessageRepo } from '../../src/index.js';
import { useInstalledDatabase } from '../helpers/installed.js';
import { HANG_LIMIT_MS } from '../helpers/wait.js';

/** How long the load runs: 5 s in the suite, 60 s with `npm run stress` (STRESS_SECONDS=60). */
const SECONDS = Number(process.env.STRESS_SECONDS ?? 5);
const WORKERS = 64;
// ids drawn from a space that grows with the run: workers often race for the same id, yet new
// ids keep coming, so appends go on to the end
const ID_SPACE = SECONDS * 4_000;

describe(`load: ${WORKERS} concurrent workers claiming and appending for ${SECONDS} s`, () => {
  const database = useInstalledDatabase(['audit', 'idempotency']);

  it('makes no unexpected error, claims exactly once, acknowledges every append, keeps memory flat', async () => {
    const inbox = new ProcessedMessageRepo(database().db, { consumer: 'load' });
    const events = new EventLogRepo(database().db);
    const wins = new Map<string, number>();
    const errors: unknown[] = [];
    let appended = 0;
    let claims = 0;
    const heap: number[] = [process.memoryUsage().heapUsed];
    const sampler = setInterval(() => heap.push(process.memoryUsage().heapUsed), 250);
    const deadline = Date.now() + SECONDS * 1000;
    const worker = async (w: number): Promise<void> => {
      // every worker's first claim is of the same id: a race for it however few claims this machine
      // manages in the time (random ids alone race only when enough are drawn)
      for (let first = true; first || Date.now() < deadline; first = false) {
        const id = first ? 'msg:everyone' : `msg:${Math.floor(Math.random() * ID_SPACE)}`;
        try {
          claims += 1;
          if (await inbox.claim(id)) {
            wins.set(id, (wins.get(id) ?? 0) + 1);
            await events.append({ user_id: `worker:${w}`, action: 'claimed', entity_type: 'message', entity_id: id });
            appended += 1;
          }
        } catch (error) {
          errors.push(error);
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    clearInterval(sampler);
    heap.push(process.memoryUsage().heapUsed);

    expect(errors).toEqual([]);
    expect([...wins.values()].every((n) => n === 1)).toBe(true);
    expect(wins.get('msg:everyone')).toBe(1); // of the 64 racing for it, one won
    const { rows } = await sql<{ claimed: number; events: number; distinct_events: number }>`
      select (select count(*)::int from schema_kit.processed_messages where consumer = 'load') as claimed,
             (select count(*)::int from schema_kit.event_log) as events,
             (select count(distinct entity_id)::int from schema_kit.event_log) as distinct_events`.execute(database().owner.db);
    expect(rows[0]).toEqual({ claimed: wins.size, events: appended, distinct_events: appended });
    expect(claims).toBeGreaterThan(wins.size); // duplicates were really attempted

    // flat memory: the heap of the last quarter is not far above the first quarter's
    const quarter = Math.max(1, Math.floor(heap.length / 4));
    const early = Math.max(...heap.slice(0, quarter));
    const late = Math.max(...heap.slice(-quarter));
    expect(late - early).toBeLessThan(64 * 1024 * 1024);
    console.log(`[load] ${claims} claims, ${wins.size} won, ${appended} events in ${SECONDS} s; heap ${(early / 1e6).toFixed(0)} -> ${(late / 1e6).toFixed(0)} MB`);
  }, SECONDS * 1000 + HANG_LIMIT_MS); // the run's own duration (the subject), then a guard for setup and checks
});
