import { z } from 'zod';
import type { ContentCategory, PackageType } from './values.js';
import { freeText, idText, pageOptions, slug, uuid, vocabularyField } from '../../validation/common.js';
import { keysetCursor } from '../../repos/cursor.js';

/** Page options of `listForUser` (cursor: opaque, from `next`), and `include: 'package'`. */
export const interestPageSchema = pageOptions(keysetCursor).extend({ include: z.literal('package').optional() }).strict();

/** Page options of `listForPackage`: optionally only attended (true) or not attended (false) interests. */
export const packageInterestPageSchema = interestPageSchema
  .extend({ attended: z.boolean().optional(), include: z.enum(['package', 'user']).optional() })
  .strict();

/** A user id or package id. */
export const interestKeySchema = uuid;

/** A content package's slug (unique): lower-case letters and digits separated by `-` or `_`, at most 100 characters. */
export const packageSlugSchema = slug;

const packageFields = {
  title: idText(500),
  description: freeText(10_000).nullable().optional(),
  category: vocabularyField<ContentCategory>(),
  package_type: vocabularyField<PackageType>(),
  is_active: z.boolean().optional(),
};

/** A new content package for `ContentPackageRepo.create`; `slug` is optional. */
export const newContentPackageSchema = z.object({ ...packageFields, slug: packageSlugSchema.nullable().optional() }).strict();

/** The input of {@link newContentPackageSchema}. */
export type NewContentPackageInput = z.input<typeof newContentPackageSchema>;

/** The package `ContentPackageRepo.getOrCreate` creates when its slug is new. */
export const contentPackageDefaultsSchema = z.object(packageFields).strict();

/** The input of {@link contentPackageDefaultsSchema}. */
export type ContentPackageDefaultsInput = z.input<typeof contentPackageDefaultsSchema>;

/** A change to a content package for `ContentPackageRepo.update`: any of its fields, at least one. */
export const contentPackagePatchSchema = newContentPackageSchema
  .partial()
  .strict()
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), 'must change at least one field');

/** The input of {@link contentPackagePatchSchema}. */
export type ContentPackagePatchInput = z.input<typeof contentPackagePatchSchema>;

/** Page options of `ContentPackageRepo.listByCategory`: inactive packages are left out unless `includeInactive`. */
export const packagePageSchema = pageOptions(keysetCursor).extend({ includeInactive: z.boolean().optional() }).strict();
