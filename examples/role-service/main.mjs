// A role-change service: an admin promotes and demotes users; every change is logged, and two
// concurrent promotions of the same user log once.
import { migrateToLatest, RoleChangeLogRepo } from 'schema-kit';
import { runExample } from '../shared/open-database.mjs';

await runExample(async (db) => {
  const { error } = await migrateToLatest(db, { add: ['core', 'roles'] });
  if (error) throw error;
  const roles = new RoleChangeLogRepo(db, { roles: ['public', 'subscriber', 'admin', 'owner'] });
  const users = db.withSchema('schema_kit');
  const ann = (await users.insertInto('users').values({ name: 'Ann' }).returning('id').executeTakeFirstOrThrow()).id;
  const bob = (await users.insertInto('users').values({ name: 'Bob' }).returning('id').executeTakeFirstOrThrow()).id;
  const admin = 'tg:1001';

  await roles.changeRole({ user_id: ann, new_role: 'subscriber', changed_by: admin, change_source: 'admin', reason: 'paid' });
  await roles.changeRole({ user_id: ann, new_role: 'admin', changed_by: admin, change_source: 'admin', reason: 'joined the team' });
  await roles.changeRole({ user_id: ann, new_role: 'subscriber', changed_by: admin, change_source: 'admin', reason: 'left the team' });

  console.log('Ann\'s role history (newest first):');
  for (const change of (await roles.historyForUser(ann)).items) {
    console.log(`  ${change.previous_role} -> ${change.new_role} by ${change.changed_by}: ${change.reason}`);
  }

  // two admins click "promote Bob" at the same moment: the user row is locked, the second sees
  // Bob is already admin, and only one change is logged
  const outcomes = await Promise.all([
    roles.changeRole({ user_id: bob, new_role: 'admin', changed_by: 'tg:1001', change_source: 'admin' }),
    roles.changeRole({ user_id: bob, new_role: 'admin', changed_by: 'tg:1002', change_source: 'admin' }),
  ]);
  const logged = (await roles.historyForUser(bob)).items.length;
  console.log(`concurrent double promotion of Bob: ${outcomes.filter((o) => o.changed).length} change applied, ${logged} logged`);

  try {
    await roles.changeRole({ user_id: bob, new_role: 'superuser', changed_by: admin, change_source: 'admin' });
  } catch (refused) {
    console.log(`refused: ${refused.message}`);
  }
});
