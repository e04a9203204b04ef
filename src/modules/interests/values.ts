/**
 * The interests module's value sets: host-owned vocabularies. `DEFAULT_*` are the rows
 * the migrations seed into their lookup tables; a host extends them (`VocabularyRepo.add` or its
 * own INSERT), and the Kysely column types accept the defaults and any host value.
 */
import type { HostValue } from '../../vocabulary/types.js';

/** The default values of `content_packages.category`: what kind of content a package holds. */
export const DEFAULT_CONTENT_CATEGORIES = [
  'course',
  'guide',
  'tool',
  'template',
  'community',
  'event',
  'other',
] as const;

/** A default value of `content_packages.category`. */
export type DefaultContentCategory = (typeof DEFAULT_CONTENT_CATEGORIES)[number];

/** A value of `content_packages.category`: a default, or a value the host added to the vocabulary. */
export type ContentCategory = HostValue<DefaultContentCategory>;

/** The default values of `content_packages.package_type`: whether a package is free or for paying members. */
export const DEFAULT_PACKAGE_TYPES = ['free', 'premium'] as const;

/** A default value of `content_packages.package_type`. */
export type DefaultPackageType = (typeof DEFAULT_PACKAGE_TYPES)[number];

/** A value of `content_packages.package_type`: a default, or a value the host added to the vocabulary. */
export type PackageType = HostValue<DefaultPackageType>;
