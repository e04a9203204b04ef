// Interest tracking: users mark interest in content packages, some attend, and the organiser asks
// who attended and who has not yet.
import { migrateToLatest, UserInterestRepo } from 'schema-kit';
import { runExample } from '../shared/open-database.mjs';

await runExample(async (db) => {
  const { error } = await migrateToLatest(db, { add: ['core', 'interests'] });
  if (error) throw error;
  const interests = new UserInterestRepo(db);
  const tables = db.withSchema('schema_kit');
  const workshop = (await tables.insertInto('content_packages')
    .values({ title: 'Risk management workshop', category: 'event', package_type: 'free' })
    .returning('id').executeTakeFirstOrThrow()).id;
  const people = {};
  for (const name of ['Ann', 'Bob', 'Cem', 'Dia']) {
    people[name] = (await tables.insertInto('users').values({ name }).returning('id').executeTakeFirstOrThrow()).id;
  }
  const nameOf = (id) => Object.keys(people).find((name) => people[name] === id);

  for (const name of ['Ann', 'Bob', 'Cem', 'Dia']) await interests.add(people[name], workshop);
  const again = await interests.add(people.Ann, workshop); // a double tap on "I'm interested"
  console.log(`Ann taps "interested" twice: created the second time? ${again.created}`);

  await interests.markAttended(people.Ann, workshop);
  await interests.markAttended(people.Cem, workshop);
  await interests.remove(people.Dia, workshop);

  const attended = (await interests.listForPackage(workshop, { attended: true })).items.map((i) => nameOf(i.user_id)).sort();
  const notYet = (await interests.listForPackage(workshop, { attended: false })).items.map((i) => nameOf(i.user_id)).sort();
  console.log(`attended: ${attended.join(', ')}`);
  console.log(`interested, not attended yet: ${notYet.join(', ')}`);
  const annList = await interests.listForUser(people.Ann);
  console.log(`Ann follows ${annList.items.length} package(s); attended: ${annList.items[0].is_attended}`);
});
