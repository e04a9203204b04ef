import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SchemaKitError } from '../errors.js';
import type { SchemaManifest } from './manifest.js';

/**
 * The schema this package installs, read from its `schema/manifest.json` (shipped once as a file
 * rather than inlined into each of the three bundles), found by walking up from this module.
 */
export function readShippedManifest(): SchemaManifest {
  let dir = dirname(fileURLToPath(import.meta.url));
  // not a retry: walks up one folder a turn and ends at the file system's root
  for (;;) {
    const file = join(dir, 'schema', 'manifest.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SchemaManifest;
    const parent = dirname(dir);
    if (parent === dir) throw new SchemaKitError('unexpected', 'schema/manifest.json is missing from the schema-kit package: reinstall it.');
    dir = parent;
  }
}
