/** Tables of the `interests` module: `content_packages` and `user_interests`. */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Generated, Timestamp } from '../../schema/column-types.js';
import type { ContentCategory, PackageType } from './values.js';

/** `content_packages`: content a person can be interested in. */
export interface ContentPackagesTable {
  id: Generated<string>;
  title: string;
  description: string | null;
  category: ContentCategory;
  package_type: PackageType;
  is_active: Generated<boolean>;
  created_at: Generated<Timestamp>;
  /** Set to now() by a trigger on every update. */
  updated_at: Generated<Timestamp>;
  /** A unique, URL-safe key (lowercase letters and digits, `-`/`_` between them; at most 100
   * characters), the key of `ContentPackageRepo.getOrCreate`; null for packages made without one. */
  slug: string | null;
}

/** A row of `content_packages`. */
export type ContentPackage = Selectable<ContentPackagesTable>;
/** A new row for `content_packages`. */
export type NewContentPackage = Insertable<ContentPackagesTable>;
/** A change to a row of `content_packages`. */
export type ContentPackageUpdate = Updateable<ContentPackagesTable>;

/** `user_interests`: a person's interest in a package; unique per (user_id, package_id). */
export interface UserInterestsTable {
  id: Generated<string>;
  user_id: string;
  package_id: string;
  is_attended: Generated<boolean>;
  /** Set exactly when `is_attended` is true. */
  attended_at: Timestamp | null;
  created_at: Generated<Timestamp>;
}

/** A row of `user_interests`. */
export type UserInterest = Selectable<UserInterestsTable>;
/** A new row for `user_interests`. */
export type NewUserInterest = Insertable<UserInterestsTable>;
/** A change to a row of `user_interests`. */
export type UserInterestUpdate = Updateable<UserInterestsTable>;
