import { sql } from 'kysely';
import { z } from 'zod';
import { SchemaKitConflictError, SchemaKitNotFoundError } from '../../errors.js';
import type { Feature } from './tables.js';
import { FEATURE_STATUSES, type FeatureStatus } from './values.js';
import { uuid } from '../../validation/common.js';
import { parseInput } from '../../validation/parse.js';
import {
  changeOptionsSchema,
  featurePageSchema,
  featureStatusOptionsSchema,
  newFeatureSchema,
  type NewFeatureInput,
} from './validation.js';
import { auditedRepo, type AuditedRepoOptions, type AuditedWriter, type ChangeOptions } from './audited-writer.js';
import { KeysetListing } from '../../repos/keyset.js';
import type { Page, PageOptions } from '../../repos/page.js';
import { run } from '../../repos/run.js';
import type { Executor, RepoContext, ScopedExecutor } from '../../repos/repo-context.js';

const COLUMNS = [
  'id', 'project_id', 'name', 'description', 'status', 'status_reason', 'assigned_teams', 'assigned_po', 'release_id', 'created_at', 'updated_at',
] as const;

/**
 * Features of a project on `features`: created unplanned, moved through their statuses with a
 * reason, planned into a release of the same project. Every change appends its event to
 * `event_log` in the same transaction (`feature.created`, `feature.status_changed`,
 * `feature.release_assigned`, with `before`/`after`), unless the repository is built with
 * `audit: false`; auditing needs the audit module installed.
 *
 * ### Examples
 * ```ts
 * const features = new FeatureRepo(db);
 * const f = await features.create({ project_id, name: 'Voice input' }, { actor: 'tg:42' });
 * await features.setStatus(f.id, 'blocked', { actor: 'tg:42', reason: 'waiting for the speech API' });
 * await features.assignRelease(f.id, releaseId, { actor: 'tg:42' });
 * ```
 */
export class FeatureRepo {
  readonly #ctx: RepoContext;
  readonly #writer: AuditedWriter;
  readonly #byProject: KeysetListing<Feature>;

  /** Wraps the host's Kysely instance or transaction; `options.audit` (default true) logs every change. */
  constructor(db: Executor, options?: AuditedRepoOptions) {
    const { ctx, writer } = auditedRepo(db, options, this, 'features');
    this.#ctx = ctx;
    this.#writer = writer;
    this.#byProject = new KeysetListing<Feature>(this.#ctx, { column: 'created_at', order: 'desc' }, (value, has) => {
      const query = this.#ctx.db.selectFrom('features').select(COLUMNS).where('project_id', '=', value('project'));
      return has('status') ? query.where('status', '=', value('status')) : query;
    });
  }

  /** Creates a feature, not planned into any release. */
  async create(feature: NewFeatureInput, options: ChangeOptions = {}): Promise<Feature> {
    const row = parseInput(newFeatureSchema, feature, 'feature');
    const { actor } = parseInput(changeOptionsSchema, options, 'options');
    return this.#writer.write(actor, {
      write: (db) => db.insertInto('features').values(row).returning(COLUMNS).executeTakeFirstOrThrow(),
      event: (f) => ({
        action: 'feature.created', entity_type: 'feature', entity_id: f.id,
        details: {
          before: null,
          after: { project_id: f.project_id, name: f.name, description: f.description, status: f.status, status_reason: f.status_reason, assigned_teams: f.assigned_teams, assigned_po: f.assigned_po },
        },
      }),
    });
  }

  /** The feature with this id, or undefined. */
  async get(id: string): Promise<Feature | undefined> {
    const featureId = parseInput(uuid, id, 'id');
    return run(this.#ctx.db.selectFrom('features').select(COLUMNS).where('id', '=', featureId).executeTakeFirst());
  }

  /** One keyset page of the project's features, newest first; `status` keeps one status. */
  async listByProject(projectId: string, options: PageOptions & { status?: FeatureStatus } = {}): Promise<Page<Feature>> {
    const project = parseInput(uuid, projectId, 'projectId');
    const { status, ...page } = parseInput(featurePageSchema, options, 'options');
    return this.#byProject.page({ project, status }, page);
  }

  /** Sets the feature's status and `status_reason` (`options.reason`, null when not given); throws
   * {@link SchemaKitNotFoundError} for an unknown feature. */
  async setStatus(id: string, status: FeatureStatus, options: ChangeOptions & { reason?: string | null } = {}): Promise<Feature> {
    const featureId = parseInput(uuid, id, 'id');
    const newStatus = parseInput(z.enum(FEATURE_STATUSES), status, 'status');
    const { actor, reason = null } = parseInput(featureStatusOptionsSchema, options, 'options');
    return this.#writer.write(actor, {
      before: (trx) => trx.selectFrom('features').select(['status', 'status_reason']).where('id', '=', featureId).forUpdate().executeTakeFirst(),
      write: async (db) => {
        const row = await db.updateTable('features').set({ status: newStatus, status_reason: reason }).where('id', '=', featureId).returning(COLUMNS).executeTakeFirst();
        if (!row) throw new SchemaKitNotFoundError('features', `No feature ${featureId}.`);
        return row;
      },
      event: (f, before) => ({
        action: 'feature.status_changed', entity_type: 'feature', entity_id: f.id,
        details: { before: before ?? null, after: { status: f.status, status_reason: f.status_reason } },
      }),
    });
  }

  /**
   * Plans the feature into a release of its own project, or out of any with `null`. Throws
   * {@link SchemaKitNotFoundError} for an unknown feature or release, and
   * `SchemaKitConflictError` for a release of another project.
   */
  async assignRelease(id: string, releaseId: string | null, options: ChangeOptions = {}): Promise<Feature> {
    const featureId = parseInput(uuid, id, 'id');
    const release = parseInput(uuid.nullable(), releaseId, 'releaseId');
    const { actor } = parseInput(changeOptionsSchema, options, 'options');
    return this.#writer.write(actor, {
      before: (trx) => trx.selectFrom('features').select('release_id').where('id', '=', featureId).forUpdate().executeTakeFirst(),
      write: async (db) => {
        const row = await db
          .updateTable('features')
          .set({ release_id: release })
          .where('id', '=', featureId)
          .where(({ eb, exists, selectFrom }) =>
            release === null
              ? sql<boolean>`true`
              : exists(selectFrom('releases as r').select(sql`1`.as('one')).where('r.id', '=', release).whereRef('r.project_id', '=', eb.ref('features.project_id'))),
          )
          .returning(COLUMNS)
          .executeTakeFirst();
        return row ?? this.#refuseAssignment(db, featureId, release);
      },
      event: (f, before) => ({
        action: 'feature.release_assigned', entity_type: 'feature', entity_id: f.id,
        details: { before: before ?? null, after: { release_id: f.release_id } },
      }),
    });
  }

  /** Says why an assignment wrote nothing: no such feature, no such release, or another project's release. */
  async #refuseAssignment(db: ScopedExecutor, featureId: string, releaseId: string | null): Promise<never> {
    const feature = await db.selectFrom('features').select('project_id').where('id', '=', featureId).executeTakeFirst();
    if (!feature || releaseId === null) throw new SchemaKitNotFoundError('features', `No feature ${featureId}.`);
    const release = await db.selectFrom('releases').select('project_id').where('id', '=', releaseId).executeTakeFirst();
    if (!release) throw new SchemaKitNotFoundError('releases', `No release ${releaseId}.`);
    throw new SchemaKitConflictError(
      `Release ${releaseId} belongs to project ${release.project_id}, not to the feature's project ${feature.project_id}.`,
      undefined,
      undefined,
    );
  }
}
