import { z } from 'zod';
import { SchemaKitNotFoundError } from '../../errors.js';
import type { Release } from './tables.js';
import { RELEASE_STATUSES, type ReleaseStatus } from './values.js';
import { uuid } from '../../validation/common.js';
import { parseInput } from '../../validation/parse.js';
import { changeOptionsSchema, newReleaseSchema, planningPageSchema, type NewReleaseInput } from './validation.js';
import type { Executor, RepoContext } from '../../repos/repo-context.js';
import { auditedRepo, type AuditedRepoOptions, type AuditedWriter, type ChangeOptions } from './audited-writer.js';
import { KeysetListing } from '../../repos/keyset.js';
import type { Page, PageOptions } from '../../repos/page.js';
import { run } from '../../repos/run.js';

const COLUMNS = ['id', 'project_id', 'version', 'target_date', 'status', 'created_at', 'updated_at'] as const;

/**
 * Releases of a project on `releases` (version unique within the project). Every change appends
 * its event to `event_log` in the same transaction (`release.created`, `release.status_changed`),
 * unless the repository is built with `audit: false`; auditing needs the audit module installed.
 *
 * ### Examples
 * ```ts
 * const releases = new ReleaseRepo(db);
 * const r = await releases.create({ project_id, version: '1.2.0', target_date: '2026-03-01' }, { actor: 'tg:42' });
 * await releases.setStatus(r.id, 'released', { actor: 'tg:42' });
 * ```
 */
export class ReleaseRepo {
  readonly #ctx: RepoContext;
  readonly #writer: AuditedWriter;
  readonly #byProject: KeysetListing<Release>;

  /** Wraps the host's Kysely instance or transaction; `options.audit` (default true) logs every change. */
  constructor(db: Executor, options?: AuditedRepoOptions) {
    const { ctx, writer } = auditedRepo(db, options, this, 'releases');
    this.#ctx = ctx;
    this.#writer = writer;
    this.#byProject = new KeysetListing<Release>(this.#ctx, { column: 'created_at', order: 'desc' }, (value) =>
      this.#ctx.db.selectFrom('releases').select(COLUMNS).where('project_id', '=', value('project')),
    );
  }

  /** Creates a release; `target_date` is a `'YYYY-MM-DD'` day (a Date counts as its UTC day). A
   * version taken in the project throws `SchemaKitConflictError` (`releases_project_id_version_key`). */
  async create(release: NewReleaseInput, options: ChangeOptions = {}): Promise<Release> {
    const row = parseInput(newReleaseSchema, release, 'release');
    const { actor } = parseInput(changeOptionsSchema, options, 'options');
    return this.#writer.write(actor, {
      write: (db) => db.insertInto('releases').values(row).returning(COLUMNS).executeTakeFirstOrThrow(),
      event: (r) => ({
        action: 'release.created', entity_type: 'release', entity_id: r.id,
        details: { before: null, after: { project_id: r.project_id, version: r.version, target_date: row.target_date ?? null, status: r.status } },
      }),
    });
  }

  /** The release with this id, or undefined. */
  async get(id: string): Promise<Release | undefined> {
    const releaseId = parseInput(uuid, id, 'id');
    return run(this.#ctx.db.selectFrom('releases').select(COLUMNS).where('id', '=', releaseId).executeTakeFirst());
  }

  /** One keyset page of the project's releases, newest first. */
  async listByProject(projectId: string, options: PageOptions = {}): Promise<Page<Release>> {
    const project = parseInput(uuid, projectId, 'projectId');
    const page = parseInput(planningPageSchema, options, 'options');
    return this.#byProject.page({ project }, page);
  }

  /** Sets the release's status; throws {@link SchemaKitNotFoundError} for an unknown release. */
  async setStatus(id: string, status: ReleaseStatus, options: ChangeOptions = {}): Promise<Release> {
    const releaseId = parseInput(uuid, id, 'id');
    const newStatus = parseInput(z.enum(RELEASE_STATUSES), status, 'status');
    const { actor } = parseInput(changeOptionsSchema, options, 'options');
    return this.#writer.write(actor, {
      before: (trx) => trx.selectFrom('releases').select('status').where('id', '=', releaseId).forUpdate().executeTakeFirst(),
      write: async (db) => {
        const row = await db.updateTable('releases').set({ status: newStatus }).where('id', '=', releaseId).returning(COLUMNS).executeTakeFirst();
        if (!row) throw new SchemaKitNotFoundError('releases', `No release ${releaseId}.`);
        return row;
      },
      event: (r, before) => ({ action: 'release.status_changed', entity_type: 'release', entity_id: r.id, details: { before: before ?? null, after: { status: r.status } } }),
    });
  }
}
