import type { z } from 'zod';
import { SchemaKitValidationError } from '../errors.js';

/**
 * Validates `value` against `schema` and returns the parsed value, or throws
 * {@link SchemaKitValidationError} naming the first offending field, prefixed by `argument`
 * (e.g. `event.details.a`), with every issue listed.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, argument: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    // an unknown key is named itself, not its parent object
    field: [argument, ...issue.path.map(String), ...(issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [])]
      .filter(Boolean)
      .join('.'),
    message: issue.message,
  }));
  const first = issues[0] ?? { field: argument, message: 'invalid' };
  throw new SchemaKitValidationError(first.field, first.message, issues);
}
