/** The `Database` interface: every schema-kit table by its bare name (use `withSchema`). */
import type { DatabaseOf } from '../module-descriptor.js';
import type { ShippedModule } from '../modules.js';

/** Every table of every module, keyed by table name (a host-owned vocabulary's lookup table next to
 * the table that uses it), as each module's descriptor declares them; a host only has the modules
 * it installed. */
// an interface, as before: hosts extend it (`interface HostDB extends Database`)
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Database extends DatabaseOf<ShippedModule> {}

/**
 * Every schema-kit table keyed by its schema-qualified name (`"schema_kit.users"`), for hosts that
 * query or join schema-kit's tables with their own Kysely: `Kysely<HostDB & QualifiedDatabase>`
 * type-checks `selectFrom('schema_kit.users')` and refuses the bare `'users'`, which would fail at
 * run time. `S` is the schema schema-kit was installed into (default `'schema_kit'`).
 *
 * ### Examples
 * ```ts
 * const db = new Kysely<HostDB & QualifiedDatabase>({ dialect });
 * await db.selectFrom('orders').innerJoin('schema_kit.users as u', 'u.id', 'orders.user_id')
 *   .select(['orders.id', 'u.telegram_username']).execute();
 * // installed with --schema kit: Kysely<HostDB & QualifiedDatabase<'kit'>>
 * ```
 */
export type QualifiedDatabase<S extends string = 'schema_kit'> = {
  [T in keyof Database as `${S}.${T}`]: Database[T];
};
