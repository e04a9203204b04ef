import type { WrittenInput } from '../vocabulary/references.js';
import { toSchemaKitError } from '../database-errors.js';

/**
 * Runs one database call and turns driver errors into schema-kit's typed errors. `input` names
 * the input the call writes and its module (`writtenInput`): a value the database refuses as
 * outside one of the module's host-owned vocabularies is reported as that input's field
 * (`guide.category`), as the zod checks name it.
 */
export async function run<T>(query: Promise<T>, input?: WrittenInput): Promise<T> {
  try {
    return await query;
  } catch (error) {
    throw toSchemaKitError(error, input);
  }
}
