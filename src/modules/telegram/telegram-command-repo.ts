import { SchemaKitConflictError, SchemaKitNotFoundError, SchemaKitValidationError } from '../../errors.js';
import type { TelegramCommand } from './tables.js';
import { parseInput } from '../../validation/parse.js';
import { commandNameSchema, telegramCommandSchema, type TelegramCommandInput } from './validation.js';
import { roleNameSchema } from '../core/index.js';
import { repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { run } from '../../repos/run.js';

const COLUMNS = ['command', 'description', 'required_role', 'is_enabled', 'created_at', 'updated_at'] as const;

/** A `required_role` missing from `roles` as a validation error; any other error as it is. */
function unknownRole(error: unknown): unknown {
  if (error instanceof SchemaKitConflictError && error.constraint === 'telegram_commands_required_role_fkey') {
    return new SchemaKitValidationError('command.required_role', 'is not in the roles table: add it first (RoleRepo.add)', undefined, { cause: error.cause });
  }
  return error;
}

/**
 * The bot's command registry on `telegram_commands`: each command with the least role that may
 * run it, compared by `roles.rank` (a role of higher or equal rank may run it).
 *
 * ### Examples
 * ```ts
 * const commands = new TelegramCommandRepo(db);
 * await commands.define({ command: 'ban', description: 'Ban a member', required_role: 'moderator' });
 * if (!(await commands.allows('ban', user.role))) return ctx.reply('Not for you.');
 * await bot.api.setMyCommands((await commands.listForRole('public')).map(({ command, description }) => ({ command, description })));
 * ```
 */
export class TelegramCommandRepo {
  readonly #ctx: RepoContext;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options, this, 'telegram_commands');
  }

  /** Creates the command, or updates the given fields of an existing one (one statement); returns
   * it. A `required_role` missing from `roles` is refused naming `command.required_role`. */
  async define(command: TelegramCommandInput): Promise<TelegramCommand> {
    const row = parseInput(telegramCommandSchema, command, 'command');
    const { description, required_role, is_enabled } = row; // Kysely leaves out the undefined ones
    return run(
      this.#ctx.db
        .insertInto('telegram_commands')
        .values(row)
        .onConflict((oc) => oc.column('command').doUpdateSet({ description, required_role, is_enabled }))
        .returning(COLUMNS)
        .executeTakeFirstOrThrow(),
    ).catch((error: unknown) => Promise.reject(unknownRole(error)));
  }

  /** The command, or undefined. */
  async get(command: string): Promise<TelegramCommand | undefined> {
    const key = parseInput(commandNameSchema, command, 'command');
    return run(this.#ctx.db.selectFrom('telegram_commands').select(COLUMNS).where('command', '=', key).executeTakeFirst());
  }

  /** Every command, enabled or not, by name. */
  async list(): Promise<TelegramCommand[]> {
    return run(this.#ctx.db.selectFrom('telegram_commands').select(COLUMNS).orderBy('command').execute());
  }

  /** The enabled commands a user of `role` may run (their required role's rank is at most
   * `role`'s), by name: e.g. the menu to set for that role. Empty for a role not in `roles`. */
  async listForRole(role: string): Promise<TelegramCommand[]> {
    const name = parseInput(roleNameSchema, role, 'role');
    return run(
      this.#allowedTo(name)
        .select(COLUMNS.map((column) => `c.${column}` as const))
        .orderBy('c.command')
        .execute(),
    );
  }

  /** Whether a user of `role` may run `command`: it exists, is enabled, and `role`'s rank is at
   * least its required role's. */
  async allows(command: string, role: string): Promise<boolean> {
    const key = parseInput(commandNameSchema, command, 'command');
    const name = parseInput(roleNameSchema, role, 'role');
    const row = await run(
      this.#allowedTo(name).select('c.command').where('c.command', '=', key).executeTakeFirst(),
    );
    return row !== undefined;
  }

  /** The enabled commands whose required role ranks at most `role`'s. */
  #allowedTo(role: string) {
    return this.#ctx.db
      .selectFrom('telegram_commands as c')
      .innerJoin('roles as needed', 'needed.name', 'c.required_role')
      .innerJoin('roles as own', (join) => join.on('own.name', '=', role).onRef('needed.rank', '<=', 'own.rank'))
      .where('c.is_enabled', '=', true);
  }

  /** Enables or disables the command and returns it; throws {@link SchemaKitNotFoundError} for an
   * unknown command. */
  async setEnabled(command: string, enabled: boolean): Promise<TelegramCommand> {
    const key = parseInput(commandNameSchema, command, 'command');
    const isEnabled = parseInput(telegramCommandSchema.shape.is_enabled.unwrap(), enabled, 'enabled');
    const row = await run(
      this.#ctx.db.updateTable('telegram_commands').set({ is_enabled: isEnabled }).where('command', '=', key).returning(COLUMNS).executeTakeFirst(),
    );
    if (!row) throw new SchemaKitNotFoundError('telegram_commands', `No command ${key}.`);
    return row;
  }
}
