/**
 * Rows a multi-row write locks, in one fixed order. Two statements that lock the same keys in
 * opposite orders can deadlock (PostgreSQL aborts one with 40P01); sorting the keys first makes
 * every caller take the locks in the same order. Duplicates are dropped.
 */
export function inLockOrder(keys: readonly string[]): string[] {
  return [...new Set(keys)].sort();
}
