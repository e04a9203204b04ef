// A Telegram-style bot whose updates are redelivered: processOnce makes each update act once.
import { EventLogRepo, migrateToLatest, ProcessedMessageRepo } from 'schema-kit';
import { RUN, runExample } from '../shared/open-database.mjs';

// What a webhook receives when Telegram retries: update 2 arrives three times, update 3 twice.
const deliveries = [
  { update_id: 1, from: 7, text: '/start' },
  { update_id: 2, from: 7, text: 'hello' },
  { update_id: 2, from: 7, text: 'hello' },
  { update_id: 3, from: 9, text: '/help' },
  { update_id: 2, from: 7, text: 'hello' },
  { update_id: 3, from: 9, text: '/help' },
];

function reply(update) {
  return update.text === '/start' ? 'Welcome!' : update.text === '/help' ? 'Try /start.' : `You said: ${update.text}`;
}

await runExample(async (db) => {
  const { error } = await migrateToLatest(db, { add: ['audit', 'idempotency'] });
  if (error) throw error;
  const inbox = new ProcessedMessageRepo(db, { consumer: `example-bot-${RUN}` }); // this run's own dedup key space

  let handled = 0;
  let skipped = 0;
  for (const update of deliveries) {
    const outcome = await inbox.processOnce(
      `tg:update:${update.update_id}`,
      async (trx) => {
        // the bot's own writes join the claim's transaction: a crash here undoes both
        await new EventLogRepo(trx).append({
          user_id: `tg:${update.from}`,
          action: 'message.answered',
          entity_type: 'chat',
          entity_id: `${RUN}:${update.from}`,
          details: { text: update.text },
        });
        return { reply: reply(update) };
      },
      { keepResult: true },
    );
    if (outcome.processed) {
      handled += 1;
      console.log(`update ${update.update_id}: handled, replied "${outcome.result.reply}"`);
    } else {
      skipped += 1;
      console.log(`update ${update.update_id}: duplicate skipped (first reply was "${outcome.result.reply}")`);
    }
  }
  console.log(`${deliveries.length} deliveries: ${handled} handled, ${skipped} duplicates skipped`);
});
