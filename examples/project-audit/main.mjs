// An audit trail for projects and features: every change appends its event in the same
// transaction as the change, "what changed?" is answered from the log, and a tail follows new
// events as they commit.
import { EventLogRepo, FeatureRepo, migrateToLatest, ProjectRepo, ReleaseRepo, UserContextRepo } from 'schema-kit';
import { RUN, runExample } from '../shared/open-database.mjs';

await runExample(async (db) => {
  const { error } = await migrateToLatest(db, { add: ['planning', 'audit'] });
  if (error) throw error;
  const projects = new ProjectRepo(db);
  const releases = new ReleaseRepo(db);
  const features = new FeatureRepo(db);
  const context = new UserContextRepo(db);
  const events = new EventLogRepo(db);
  const po = 'tg:42';

  // start the tail first: it prints each event once its transaction has committed
  const controller = new AbortController();
  const tailed = [];
  let start;
  for await (const e of events.stream()) start = e.position; // skip what earlier runs logged
  const tail = (async () => {
    for await (const e of events.stream({ after: start, follow: true, pollIntervalMs: 50, signal: controller.signal })) {
      tailed.push(e.action);
    }
  })();

  const radar = await projects.create({ name: `Radar ${RUN}` }, { actor: po });
  await context.set(po, radar.id, { actor: po });
  const v1 = await releases.create({ project_id: radar.id, version: '1.0' }, { actor: po });
  const login = await features.create({ project_id: radar.id, name: 'Login with Telegram' }, { actor: po });
  await features.assignRelease(login.id, v1.id, { actor: po });
  await features.setStatus(login.id, 'in_progress', { actor: po });
  await features.setStatus(login.id, 'blocked', { actor: po, reason: 'waiting for the bot token' });

  // a change whose transaction fails leaves neither the change nor its event
  await db.transaction().execute(async (trx) => {
    await new FeatureRepo(trx).setStatus(login.id, 'done', { actor: po });
    throw new Error('deploy failed');
  }).catch(() => {});

  const active = await context.activeProject(po);
  console.log(`context: ${po} works in ${active.id === radar.id ? 'the Radar project' : 'another project'}`);
  console.log('what changed on "Login with Telegram"? (oldest first)');
  const show = (field, value) => (field === 'release_id' && value === v1.id ? 'release 1.0' : String(value));
  for (const e of (await events.listByEntity('feature', login.id, { order: 'asc' })).items) {
    const { before, after } = e.details;
    const changes = before
      ? Object.keys(after).filter((k) => before[k] !== after[k]).map((k) => `${k} ${show(k, before[k])} -> ${show(k, after[k])}`)
      : [`created with status ${after.status}`];
    console.log(`  ${e.action} by ${e.user_id}: ${changes.join(', ')}`);
  }
  console.log(`current status: ${(await features.get(login.id)).status}`);

  while (tailed.length < 7) await new Promise((resume) => setTimeout(resume, 20));
  controller.abort();
  await tail;
  console.log(`the tail followed ${tailed.length} events as they committed: ${tailed.join(', ')}`);
});
