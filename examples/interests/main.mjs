// Interest tracking: users mark interest in content packages, some attend, and the organiser asks
// who attended and who has not yet.
import { ContentPackageRepo, migrateToLatest, UserInterestRepo, UserRepo, VocabularyRepo } from 'schema-kit';
import { RUN, runExample } from '../shared/open-database.mjs';

await runExample(async (db) => {
  const { error } = await migrateToLatest(db, { add: ['core', 'interests'] });
  if (error) throw error;
  const interests = new UserInterestRepo(db);
  // 'workshop' is this host's own content category: one call adds it to the vocabulary
  await new VocabularyRepo(db).add('content_category', 'workshop');
  // this run's own workshop: a package of an earlier run keeps that run's interests
  const { package: pkg } = await new ContentPackageRepo(db).getOrCreate(`risk-workshop-${RUN}`, {
    title: 'Risk management workshop', category: 'workshop', package_type: 'free',
  });
  const workshop = pkg.id;
  const users = new UserRepo(db);
  const people = {};
  for (const name of ['Ann', 'Bob', 'Cem', 'Dia']) people[name] = (await users.create({ name })).id;
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
  const annList = await interests.listForUser(people.Ann, { include: 'package' });
  console.log(`Ann follows ${annList.items.length} package(s); attended: ${annList.items[0].is_attended}`);
  console.log(`Ann's packages: ${annList.items.map((i) => `${i.package.title} (${i.package.category})`).join(', ')}`);
});
