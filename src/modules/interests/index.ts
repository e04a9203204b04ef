/** The interests module: its tables, value sets, input schemas and repositories. */

export {
  type ContentPackagesTable,
  type ContentPackage,
  type NewContentPackage,
  type ContentPackageUpdate,
  type UserInterestsTable,
  type UserInterest,
  type NewUserInterest,
  type UserInterestUpdate,
} from './tables.js';
export { CONTENT_CATEGORIES, PACKAGE_TYPES, type ContentCategory, type PackageType } from './values.js';
export { UserInterestRepo, type AddInterestResult } from './user-interest-repo.js';
