import { describe, expect, it } from 'vitest';
import { lines, runCli } from '../helpers/cli.js';
import { useInstalledDatabase } from '../helpers/installed.js';
import { EventLogRepo, FeedConsumer } from '../../src/index.js';

describe('schema-kit consumers', () => {
  const database = useInstalledDatabase(['audit', 'consumers'], { as: 'owner' });
  const env = () => ({ DATABASE_URL: database().url });

  it('lists each consumer with its lag, prints JSON, and exits 3 past --max-lag', async () => {
    const none = await runCli(['consumers'], { env: env() });
    expect(none.code).toBe(0);
    expect(lines(none.stdout).at(-1)).toBe('No consumer has run.');

    await new EventLogRepo(database().db).appendMany([{ action: 'a', entity_type: 't', entity_id: '1' }, { action: 'a', entity_type: 't', entity_id: '2' }]);
    await new FeedConsumer(database().db, { name: 'orders' }).reset();
    // the events were appended a moment ago: the consumer is 0 s or more behind, never past 3600
    const text = await runCli(['consumers', '--max-lag', '3600'], { env: env() });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/○ orders, at 0:0, 2 event\(s\) \/ [\d.]+ s behind, inactive/);
    const json = await runCli(['consumers', '--json', '--max-lag', '0'], { env: env() });
    const document = JSON.parse(json.stdout) as { ok: boolean; lagging: string[]; consumers: { name: string; eventsBehind: number; active: boolean; mode: string }[] };
    expect(document.consumers).toEqual([expect.objectContaining({ name: 'orders', eventsBehind: 2, active: false, mode: 'poll' })]);
    expect(document.lagging).toEqual(['orders']);
    expect(json.code).toBe(3);
    const usage = await runCli(['consumers', '--max-lag', 'soon'], { env: env() });
    expect(usage.code).toBe(2);
  });
});
