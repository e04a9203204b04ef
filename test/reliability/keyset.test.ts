import { sql, type Kysely, type Transaction } from 'kysely';
import { describe, expect, it } from 'vitest';
import * as kit from '../../src/index.js';
import {
  AchievementRepo,
  ContentPackageRepo,
  ConversationRepo,
  DissonanceRepo,
  EventLogRepo,
  FeatureRepo,
  GuideCollectionRepo,
  GuideRepo,
  InterfaceEvolutionRepo,
  ProjectRepo,
  ReleaseRepo,
  RoleChangeLogRepo,
  SchemaKitValidationError,
  UserAchievementRepo,
  UserInterestRepo,
  VocabularyRepo,
  type Database,
  type Page,
} from '../../src/index.js';
import { createUser, useInstalledDatabase } from '../helpers/installed.js';

type Db = Kysely<Database> | Transaction<Database>;
type List = (db: Db, options: { after?: string; limit?: number }) => Promise<Page<{ id: string }>>;

/** One listing: how to fill a fresh scope of it with `n` rows (in one transaction, so that rows
 * tie on their timestamps), and how to list that scope. */
interface Listing {
  readonly table: string;
  /** Sorted by text: any string is a sort key, so no cursor decoding to one can be told forged. */
  readonly textKey?: boolean;
  readonly seed: (trx: Transaction<Database>, n: number) => Promise<List>;
}

const ROWS = 7;
let serial = 0;
const next = () => `k${++serial}`;

/**
 * Issue 14, item 3 and its class: every keyset listing keeps paging after the row its cursor came
 * from is removed (the cursor carries the sort key and id themselves), and refuses a malformed
 * cursor with a typed error naming `options.after`.
 */
describe('every keyset listing keeps paging after its cursor row is removed', () => {
  const database = useInstalledDatabase(['core', 'interests', 'roles', 'audit', 'planning', 'learning', 'achievements', 'insights', 'telegram']);
  const user = (trx: Db) => createUser({ db: trx } as never);

  const listings: Record<string, Listing> = {
    'ContentPackageRepo.listByCategory': {
      table: 'content_packages',
      seed: async (trx, n) => {
        const category = `cat_${++serial}`;
        await new VocabularyRepo(trx).add('content_category', category);
        for (let i = 0; i < n; i += 1) await new ContentPackageRepo(trx).create({ title: next(), category, package_type: 'free' });
        return (db, o) => new ContentPackageRepo(db).listByCategory(category, o);
      },
    },
    'EventLogRepo.listByEntity': {
      table: 'event_log',
      seed: async (trx, n) => {
        const entity = next();
        for (let i = 0; i < n; i += 1) await new EventLogRepo(trx).append({ action: 'a', entity_type: 'doc', entity_id: entity });
        return (db, o) => new EventLogRepo(db).listByEntity('doc', entity, o);
      },
    },
    'EventLogRepo.listByUser': {
      table: 'event_log',
      seed: async (trx, n) => {
        const who = next();
        await new EventLogRepo(trx).appendMany(Array.from({ length: n }, () => ({ user_id: who, action: 'a', entity_type: 'doc', entity_id: '1' })));
        return (db, o) => new EventLogRepo(db).listByUser(who, o);
      },
    },
    'RoleChangeLogRepo.historyForUser': {
      table: 'user_role_change_log',
      seed: async (trx, n) => {
        const id = await user(trx);
        for (let i = 0; i < n; i += 1) await new RoleChangeLogRepo(trx).record({ user_id: id, new_role: 'admin', changed_by: 'tg:1', change_source: 'admin' });
        return (db, o) => new RoleChangeLogRepo(db).historyForUser(id, o);
      },
    },
    'RoleChangeLogRepo.changesBy': {
      table: 'user_role_change_log',
      seed: async (trx, n) => {
        const by = next();
        const id = await user(trx);
        for (let i = 0; i < n; i += 1) await new RoleChangeLogRepo(trx).record({ user_id: id, new_role: 'admin', changed_by: by, change_source: 'admin' });
        return (db, o) => new RoleChangeLogRepo(db).changesBy(by, o);
      },
    },
    'UserInterestRepo.listForUser': {
      table: 'user_interests',
      seed: async (trx, n) => {
        const id = await user(trx);
        for (let i = 0; i < n; i += 1) await new UserInterestRepo(trx).add(id, await contentPackage(trx));
        return (db, o) => new UserInterestRepo(db).listForUser(id, o);
      },
    },
    'UserInterestRepo.listForPackage': {
      table: 'user_interests',
      seed: async (trx, n) => {
        const pkg = await contentPackage(trx);
        for (let i = 0; i < n; i += 1) await new UserInterestRepo(trx).add(await user(trx), pkg);
        return (db, o) => new UserInterestRepo(db).listForPackage(pkg, o);
      },
    },
    'ProjectRepo.list': {
      table: 'projects',
      textKey: true,
      seed: async (trx, n) => {
        for (let i = 0; i < n; i += 1) await new ProjectRepo(trx, { audit: false }).create({ name: next() });
        return (db, o) => new ProjectRepo(db, { audit: false }).list(o);
      },
    },
    'FeatureRepo.listByProject': {
      table: 'features',
      seed: async (trx, n) => {
        const project = await new ProjectRepo(trx, { audit: false }).create({ name: next() });
        for (let i = 0; i < n; i += 1) await new FeatureRepo(trx, { audit: false }).create({ project_id: project.id, name: `f${i}` });
        return (db, o) => new FeatureRepo(db, { audit: false }).listByProject(project.id, o);
      },
    },
    'ReleaseRepo.listByProject': {
      table: 'releases',
      seed: async (trx, n) => {
        const project = await new ProjectRepo(trx, { audit: false }).create({ name: next() });
        for (let i = 0; i < n; i += 1) await new ReleaseRepo(trx, { audit: false }).create({ project_id: project.id, version: `1.${i}` });
        return (db, o) => new ReleaseRepo(db, { audit: false }).listByProject(project.id, o);
      },
    },
    'ConversationRepo.listMessages': {
      table: 'messages',
      seed: async (trx, n) => {
        const chat = await new ConversationRepo(trx).start({ user_id: await user(trx) });
        await new ConversationRepo(trx).addMessages(chat.id, Array.from({ length: n }, (_, i) => ({ role: 'user' as const, content: `m${i}` })));
        return (db, o) => new ConversationRepo(db).listMessages(chat.id, o);
      },
    },
    'ConversationRepo.listForUser': {
      table: 'conversations',
      seed: async (trx, n) => {
        const id = await user(trx);
        for (let i = 0; i < n; i += 1) await new ConversationRepo(trx).start({ user_id: id });
        return (db, o) => new ConversationRepo(db).listForUser(id, o);
      },
    },
    'AchievementRepo.listByCategory': {
      table: 'achievements',
      seed: async (trx, n) => {
        for (let i = 0; i < n; i += 1) {
          const slug = next();
          await new AchievementRepo(trx).define({ slug, name: slug, title: 't', category: 'mentorship', display_order: i % 3 });
        }
        return (db, o) => new AchievementRepo(db).listByCategory('mentorship', o);
      },
    },
    'UserAchievementRepo.listForUser': {
      table: 'user_achievements',
      seed: async (trx, n) => {
        const id = await user(trx);
        for (let i = 0; i < n; i += 1) {
          const slug = next();
          await new AchievementRepo(trx).define({ slug, name: slug, title: 't', category: 'streak' });
          await new UserAchievementRepo(trx).progress(id, slug);
        }
        return (db, o) => new UserAchievementRepo(db).listForUser(id, o);
      },
    },
    'DissonanceRepo.list': {
      table: 'dissonance_records',
      seed: async (trx, n) => {
        const id = await user(trx);
        for (let i = 0; i < n; i += 1) await new DissonanceRepo(trx).record({ user_id: id, dissonance_score: [0.1, 0.3, 0.3, 1 / 3][i % 4]!, risk_level: 'critical' });
        return (db, o) => new DissonanceRepo(db).list({ ...o, risk_level: 'critical' });
      },
    },
    'DissonanceRepo.listForUser': {
      table: 'dissonance_records',
      seed: async (trx, n) => {
        const id = await user(trx);
        for (let i = 0; i < n; i += 1) await new DissonanceRepo(trx).record({ user_id: id, dissonance_score: 0.5, risk_level: 'low' });
        return (db, o) => new DissonanceRepo(db).listForUser(id, o);
      },
    },
    'InterfaceEvolutionRepo.history': {
      table: 'interface_evolution_log',
      seed: async (trx, n) => {
        const id = await user(trx);
        for (let i = 0; i < n; i += 1) await new InterfaceEvolutionRepo(trx).record(id, { step: i });
        return (db, o) => new InterfaceEvolutionRepo(db).history(id, o);
      },
    },
    'GuideRepo.listByCategory': {
      table: 'guides',
      seed: async (trx, n) => {
        for (let i = 0; i < n; i += 1) await new GuideRepo(trx).create({ title: next(), category: 'how_to' });
        return (db, o) => new GuideRepo(db).listByCategory('how_to', o);
      },
    },
    'GuideCollectionRepo.listForUser': {
      table: 'user_guide_collections',
      seed: async (trx, n) => {
        const id = await user(trx);
        for (let i = 0; i < n; i += 1) await new GuideCollectionRepo(trx).save(id, (await new GuideRepo(trx).create({ title: next(), category: 'reference' })).id);
        return (db, o) => new GuideCollectionRepo(db).listForUser(id, o);
      },
    },
  };

  /** Removes a row as the owner, with the append-only triggers of the logs switched off for it. */
  async function remove(table: string, id: string): Promise<void> {
    await database().owner.db.transaction().execute(async (trx) => {
      const appendOnly = kit.APPEND_ONLY_TABLES.includes(table);
      if (appendOnly) await sql`alter table ${sql.id('schema_kit', table)} disable trigger ${sql.id(`${table}_reject_change`)}`.execute(trx);
      await sql`delete from ${sql.id('schema_kit', table)} where id = ${id}`.execute(trx);
      if (appendOnly) await sql`alter table ${sql.id('schema_kit', table)} enable always trigger ${sql.id(`${table}_reject_change`)}`.execute(trx);
    });
  }

  /** Listings that return a whole small catalogue (roles, commands, a vocabulary), not keyset pages:
   * they take no cursor, so none can be lost. */
  const wholeCatalogues = ['RoleRepo.list', 'TelegramCommandRepo.list', 'TelegramCommandRepo.listForRole', 'VocabularyRepo.list'];

  it('covers every listing of every exported repository', () => {
    const methods = Object.entries(kit)
      .filter(([name, value]) => name.endsWith('Repo') && typeof value === 'function')
      .flatMap(([name, value]) => Object.getOwnPropertyNames((value as { prototype: object }).prototype).map((method) => `${name}.${method}`))
      .filter((method) => /\.(list\w*|history\w*|changesBy)$/.test(method));
    expect(methods.sort()).toEqual([...Object.keys(listings), ...wholeCatalogues].sort());
  });

  for (const [name, listing] of Object.entries(listings)) {
    it(name, async () => {
      const list = await database().db.transaction().execute((trx) => listing.seed(trx, ROWS));
      const db = database().db;
      const everything = (await list(db, { limit: 1000 })).items.map((r) => r.id);
      expect(everything.length).toBeGreaterThanOrEqual(ROWS);

      // page 1, then remove the row the cursor came from, then page on
      const first = await list(db, { limit: 2 });
      expect(first.items.map((r) => r.id)).toEqual(everything.slice(0, 2));
      const removed = first.items[1]!.id;
      await remove(listing.table, removed);
      const seen = first.items.map((r) => r.id);
      let after = first.next;
      while (after) {
        const page = await list(db, { after, limit: 2 });
        seen.push(...page.items.map((r) => r.id));
        after = page.next;
      }
      expect(seen).toEqual(everything);
      expect(new Set(seen).size).toBe(seen.length);

      // a cursor that is not one is refused, naming the field, whatever its shape
      const forged = Buffer.from(JSON.stringify(['not a sort key', removed])).toString('base64url');
      for (const bad of ['garbage!', 'Z2FyYmFnZQ', ...(listing.textKey ? [] : [forged]), '9999999999999999999', '']) {
        const error = await list(db, { after: bad, limit: 2 }).catch((e: unknown) => e);
        if (bad === '' && !(error instanceof Error)) continue; // an empty cursor is the first page
        expect(error, `${name} after ${bad}`).toBeInstanceOf(SchemaKitValidationError);
        expect((error as SchemaKitValidationError).field).toBe('options.after');
      }
    });
  }
});

async function contentPackage(trx: Db): Promise<string> {
  const row = await trx
    .withSchema('schema_kit')
    .insertInto('content_packages')
    .values({ title: `p${++serial}`, category: 'course', package_type: 'free' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
