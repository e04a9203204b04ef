import type { Role } from './tables.js';
import { newRoleSchema, roleNameSchema, type NewRoleInput } from './validation.js';
import { parseInput } from '../../validation/parse.js';
import { repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { run } from '../../repos/run.js';
import { AGAIN, withRetries } from '../../repos/retry.js';
import { writtenInput } from '../../vocabulary/references.js';
import { coreModule } from './descriptor.js';

/** The input 'role' this repository writes, for the errors its vocabularies raise. */
const ROLE_INPUT = writtenInput('role', coreModule);

/** The outcome of {@link RoleRepo.add}: the role, and whether this call created it. */
export interface AddRoleResult {
  readonly role: Role;
  /** False when a role of that name existed: it is returned unchanged. */
  readonly created: boolean;
}

const COLUMNS = ['name', 'rank', 'description', 'created_at'] as const;

/**
 * The role catalogue on `roles`: what `users.role` may name, each with its privilege rank.
 * `RoleChangeLogRepo` validates role changes against it.
 *
 * ### Examples
 * ```ts
 * const roles = new RoleRepo(db);
 * await roles.add({ name: 'vip', rank: 1, description: 'a paying member' });
 * const all = await roles.list(); // by rank, then name
 * ```
 */
export class RoleRepo {
  readonly #ctx: RepoContext;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options, this, 'roles');
  }

  /** Adds a role, idempotently (INSERT ... ON CONFLICT DO NOTHING): an existing role of that name
   * is returned unchanged with `created: false`. */
  async add(role: NewRoleInput): Promise<AddRoleResult> {
    const row = parseInput(newRoleSchema, role, 'role');
    return withRetries('RoleRepo.add', async () => {
      const inserted = await run(
        this.#ctx.db.insertInto('roles').values(row).onConflict((oc) => oc.column('name').doNothing()).returning(COLUMNS).executeTakeFirst(),
        ROLE_INPUT,
      );
      if (inserted) return { role: inserted, created: true };
      const existing = await this.get(row.name);
      if (existing) return { role: existing, created: false };
      return AGAIN; // the conflicting role was deleted in between: insert again
    });
  }

  /** The role of this name, or undefined. */
  async get(name: string): Promise<Role | undefined> {
    const key = parseInput(roleNameSchema, name, 'name');
    return run(this.#ctx.db.selectFrom('roles').select(COLUMNS).where('name', '=', key).executeTakeFirst());
  }

  /** Every role, by rank, then name. */
  async list(): Promise<Role[]> {
    return run(this.#ctx.db.selectFrom('roles').select(COLUMNS).orderBy('rank').orderBy('name').execute());
  }
}
