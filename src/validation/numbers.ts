import { z } from 'zod';

/** The largest `integer` (int4): the type of every counter and rank column. */
export const MAX_INT4 = 2_147_483_647;

/** A whole number from `min` to `max` (a count, a limit, a size). */
export function wholeNumber(min = 0, max = MAX_INT4) {
  return z.number().int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
}

/** A finite number from `min` to `max` (a score, a grade). */
export function boundedNumber(min: number, max = Number.MAX_VALUE) {
  return z.number({ error: 'must be a finite number' }).min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
}
