// The writers of a 0.1.0 host: each on a connection of its own, through release 0.1.0's own
// repositories (so its own SQL), in a loop until stopped, timing every write.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

/** What marks the writers' rows, so the data check leaves them out. */
export const WRITER_MARK = { messagePrefix: 'writer ', eventAction: 'bench.writer', consumer: 'bench-writer' };

/**
 * Starts `perKind` writers of each kind: `message` (ConversationRepo.addMessage into a random
 * conversation of `conversationIds`), `event` (EventLogRepo.append) and `claim`
 * (ProcessedMessageRepo.claim of a new id). Returns { writers, stop() }; each writer's `writes`
 * holds [start, end, error code or ''] per write, times from performance.now().
 */
export function startWriters(release, url, conversationIds, { perKind, runTag }) {
  let stopped = false;
  const writers = [];
  for (const kind of ['message', 'event', 'claim']) {
    for (let i = 1; i <= perKind; i += 1) {
      const name = `${kind}-${i}`;
      const pool = new pg.Pool({ connectionString: url, max: 1, application_name: `upgrade-bench ${name}` });
      const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
      const op = writeOf(release, db, kind, `${runTag}:${name}`, conversationIds);
      const writer = { name, kind, writes: [] };
      writer.done = (async () => {
        for (let n = 0; !stopped; n += 1) {
          const start = performance.now();
          let code = '';
          try {
            await op(n);
          } catch (error) {
            code = errorCode(error);
          }
          writer.writes.push([start, performance.now(), code]);
        }
        await db.destroy();
      })();
      writers.push(writer);
    }
  }
  return {
    writers,
    async stop() {
      stopped = true;
      await Promise.all(writers.map((w) => w.done));
    },
  };
}

function writeOf(release, db, kind, id, conversationIds) {
  if (kind === 'message') {
    const chats = new release.ConversationRepo(db);
    return (n) =>
      chats.addMessage(conversationIds[Math.floor(Math.random() * conversationIds.length)], {
        role: n % 2 ? 'assistant' : 'user',
        content: `${WRITER_MARK.messagePrefix}${id}:${n}`,
        tokens_used: n % 2 ? 12 : undefined,
      });
  }
  if (kind === 'event') {
    const events = new release.EventLogRepo(db);
    return (n) => events.append({ user_id: `user:${n % 997}`, action: WRITER_MARK.eventAction, entity_type: 'bench', entity_id: `${id}:${n}`, details: { n } });
  }
  const claims = new release.ProcessedMessageRepo(db, { consumer: WRITER_MARK.consumer });
  return (n) => claims.claim(`${id}:${n}`);
}

/** The SQLSTATE of a failed write (schema-kit errors keep the driver's error as their cause), else its name. */
function errorCode(error) {
  for (let e = error; e; e = e.cause) if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  return error?.code ?? error?.name ?? 'unknown';
}

/**
 * The writes of `writer` seen from the window [from, to]: the longest time one write took within
 * it (a write is clipped to the window, so one held by a migration's lock counts for that
 * migration, not for the next one it ended in a moment later), the same for the gaps between
 * completed writes, the writes completed in it and the failures (by code) among them.
 */
export function windowStats(writer, from, to) {
  let longestWrite = 0;
  let longestGap = 0;
  let completed = 0;
  const failures = {};
  let previousEnd = from;
  for (const [start, end, code] of writer.writes) {
    if (end >= from && start < to) {
      longestWrite = Math.max(longestWrite, Math.min(end, to) - Math.max(start, from));
      longestGap = Math.max(longestGap, Math.min(end, to) - previousEnd);
    }
    if (end >= from && end < to) {
      completed += 1;
      if (code) failures[code] = (failures[code] ?? 0) + 1;
    }
    if (end >= to) break;
    previousEnd = Math.max(previousEnd, end);
  }
  return { longestWrite, longestGap, completed, failures };
}
