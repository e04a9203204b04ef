import { z } from 'zod';
import { SchemaKitNotFoundError } from '../../errors.js';
import type { Project } from './tables.js';
import { PROJECT_STATUSES, type ProjectStatus } from './values.js';
import { uuid } from '../../validation/common.js';
import { parseInput } from '../../validation/parse.js';
import { changeOptionsSchema, newProjectSchema, planningPageSchema, type NewProjectInput } from './validation.js';
import type { Executor, RepoContext } from '../../repos/repo-context.js';
import { auditedRepo, type AuditedRepoOptions, type AuditedWriter, type ChangeOptions } from './audited-writer.js';
import { KeysetListing } from '../../repos/keyset.js';
import type { Page, PageOptions } from '../../repos/page.js';
import { run } from '../../repos/run.js';

const COLUMNS = ['id', 'name', 'description', 'status', 'created_at', 'updated_at'] as const;

/**
 * Projects on `projects` (unique name). Every change appends its event to `event_log` in the same
 * transaction (`project.created`, `project.status_changed`, with `before`/`after`), unless the
 * repository is built with `audit: false`; auditing needs the audit module installed.
 *
 * ### Examples
 * ```ts
 * const projects = new ProjectRepo(db);
 * const project = await projects.create({ name: 'Tutor bot' }, { actor: 'tg:42' });
 * await projects.setStatus(project.id, 'paused', { actor: 'tg:42' });
 * ```
 */
export class ProjectRepo {
  readonly #ctx: RepoContext;
  readonly #writer: AuditedWriter;
  readonly #byName: KeysetListing<Project>;

  /** Wraps the host's Kysely instance or transaction; `options.audit` (default true) logs every change. */
  constructor(db: Executor, options?: AuditedRepoOptions) {
    const { ctx, writer } = auditedRepo(db, options, this, 'projects');
    this.#ctx = ctx;
    this.#writer = writer;
    // names are unique: the name is the whole key
    this.#byName = new KeysetListing<Project>(this.#ctx, { column: 'name', order: 'asc', unique: true }, () => this.#ctx.db.selectFrom('projects').select(COLUMNS));
  }

  /** Creates a project; a taken name throws `SchemaKitConflictError` (`projects_name_key`). */
  async create(project: NewProjectInput, options: ChangeOptions = {}): Promise<Project> {
    const row = parseInput(newProjectSchema, project, 'project');
    const { actor } = parseInput(changeOptionsSchema, options, 'options');
    return this.#writer.write(actor, {
      write: (db) => db.insertInto('projects').values(row).returning(COLUMNS).executeTakeFirstOrThrow(),
      event: (p) => ({ action: 'project.created', entity_type: 'project', entity_id: p.id, details: { before: null, after: { name: p.name, description: p.description, status: p.status } } }),
    });
  }

  /** The project with this id, or undefined. */
  async get(id: string): Promise<Project | undefined> {
    const projectId = parseInput(uuid, id, 'id');
    return run(this.#ctx.db.selectFrom('projects').select(COLUMNS).where('id', '=', projectId).executeTakeFirst());
  }

  /** The project with this name, or undefined. */
  async findByName(name: string): Promise<Project | undefined> {
    const projectName = parseInput(newProjectSchema.shape.name, name, 'name');
    return run(this.#ctx.db.selectFrom('projects').select(COLUMNS).where('name', '=', projectName).executeTakeFirst());
  }

  /** One keyset page of every project, by name. */
  async list(options: PageOptions = {}): Promise<Page<Project>> {
    const page = parseInput(planningPageSchema, options, 'options');
    return this.#byName.page({}, page);
  }

  /** Sets the project's status; throws {@link SchemaKitNotFoundError} for an unknown project. */
  async setStatus(id: string, status: ProjectStatus, options: ChangeOptions = {}): Promise<Project> {
    const projectId = parseInput(uuid, id, 'id');
    const newStatus = parseInput(z.enum(PROJECT_STATUSES), status, 'status');
    const { actor } = parseInput(changeOptionsSchema, options, 'options');
    return this.#writer.write(actor, {
      before: (trx) => trx.selectFrom('projects').select('status').where('id', '=', projectId).forUpdate().executeTakeFirst(),
      write: async (db) => {
        const row = await db.updateTable('projects').set({ status: newStatus }).where('id', '=', projectId).returning(COLUMNS).executeTakeFirst();
        if (!row) throw new SchemaKitNotFoundError('projects', `No project ${projectId}.`);
        return row;
      },
      event: (p, before) => ({ action: 'project.status_changed', entity_type: 'project', entity_id: p.id, details: { before: before ?? null, after: { status: p.status } } }),
    });
  }
}
