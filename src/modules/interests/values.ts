/**
 * The interests module's value sets. The SQL CHECK constraints in `migrations/interests/` list exactly these
 * values, in this order, and the Kysely column types use the unions below.
 */

/** `content_packages.category`: what kind of content a package holds. */
export const CONTENT_CATEGORIES = [
  'course',
  'guide',
  'tool',
  'template',
  'community',
  'event',
  'other',
] as const;

/** A value of `content_packages.category`. */
export type ContentCategory = (typeof CONTENT_CATEGORIES)[number];

/** `content_packages.package_type`: whether a package is free or for paying members. */
export const PACKAGE_TYPES = ['free', 'premium'] as const;

/** A value of `content_packages.package_type`. */
export type PackageType = (typeof PACKAGE_TYPES)[number];
