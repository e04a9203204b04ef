import type { Project, UserContext } from './tables.js';
import { uuid } from '../../validation/common.js';
import { parseInput } from '../../validation/parse.js';
import { changeOptionsSchema, contextUserIdSchema } from './validation.js';
import type { Executor, RepoContext } from '../../repos/repo-context.js';
import { auditedRepo, type AuditedRepoOptions, type AuditedWriter, type ChangeOptions } from './audited-writer.js';
import { run } from '../../repos/run.js';

const COLUMNS = ['user_id', 'active_project_id', 'updated_at'] as const;

/**
 * The project each chat user is working in (`user_context`, keyed by the host's user id as
 * text): the "context resolver" of a planning bot. `set` is an upsert and appends
 * `user_context.active_project_set` to `event_log` in the same transaction, unless the repository
 * is built with `audit: false`; auditing needs the audit module installed.
 *
 * ### Examples
 * ```ts
 * const contexts = new UserContextRepo(db);
 * await contexts.set('tg:42', projectId, { actor: 'tg:42' });
 * const project = await contexts.activeProject('tg:42'); // undefined until one is set
 * ```
 */
export class UserContextRepo {
  readonly #ctx: RepoContext;
  readonly #writer: AuditedWriter;

  /** Wraps the host's Kysely instance or transaction; `options.audit` (default true) logs every change. */
  constructor(db: Executor, options?: AuditedRepoOptions) {
    const { ctx, writer } = auditedRepo(db, options, this, 'user_context');
    this.#ctx = ctx;
    this.#writer = writer;
  }

  /** Sets (or clears, with null) the user's active project, creating the context on first use
   * (INSERT ... ON CONFLICT DO UPDATE). An unknown project throws `SchemaKitConflictError`. */
  async set(userId: string, projectId: string | null, options: ChangeOptions = {}): Promise<UserContext> {
    const user_id = parseInput(contextUserIdSchema, userId, 'userId');
    const active_project_id = parseInput(uuid.nullable(), projectId, 'projectId');
    const { actor } = parseInput(changeOptionsSchema, options, 'options');
    return this.#writer.write(actor, {
      before: async (trx) => {
        // create the context first, so that concurrent first sets chain too: the later one waits
        // for the earlier to commit, then reads and locks its row
        const created = await trx.insertInto('user_context').values({ user_id }).onConflict((oc) => oc.column('user_id').doNothing()).returning('user_id').executeTakeFirst();
        if (created) return undefined;
        return trx.selectFrom('user_context').select('active_project_id').where('user_id', '=', user_id).forUpdate().executeTakeFirstOrThrow();
      },
      write: (db) =>
        db
          .insertInto('user_context')
          .values({ user_id, active_project_id })
          .onConflict((oc) => oc.column('user_id').doUpdateSet((eb) => ({ active_project_id: eb.ref('excluded.active_project_id') })))
          .returning(COLUMNS)
          .executeTakeFirstOrThrow(),
      event: (c, before) => ({
        action: 'user_context.active_project_set', entity_type: 'user_context', entity_id: c.user_id,
        details: { before: before ?? null, after: { active_project_id: c.active_project_id } },
      }),
    });
  }

  /** The user's context, or undefined when none was set. */
  async get(userId: string): Promise<UserContext | undefined> {
    const user_id = parseInput(contextUserIdSchema, userId, 'userId');
    return run(this.#ctx.db.selectFrom('user_context').select(COLUMNS).where('user_id', '=', user_id).executeTakeFirst());
  }

  /** The user's active project, or undefined when none is set (or it was deleted). */
  async activeProject(userId: string): Promise<Project | undefined> {
    const user_id = parseInput(contextUserIdSchema, userId, 'userId');
    return run(
      this.#ctx.db
        .selectFrom('user_context as c')
        .innerJoin('projects as p', 'p.id', 'c.active_project_id')
        .select(['p.id', 'p.name', 'p.description', 'p.status', 'p.created_at', 'p.updated_at'])
        .where('c.user_id', '=', user_id)
        .executeTakeFirst(),
    );
  }
}
