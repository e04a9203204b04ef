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
export {
  DEFAULT_CONTENT_CATEGORIES,
  DEFAULT_PACKAGE_TYPES,
  type DefaultContentCategory,
  type ContentCategory,
  type DefaultPackageType,
  type PackageType,
} from './values.js';
export {
  newContentPackageSchema,
  contentPackageDefaultsSchema,
  contentPackagePatchSchema,
  type NewContentPackageInput,
  type ContentPackageDefaultsInput,
  type ContentPackagePatchInput,
} from './validation.js';
export { ContentPackageRepo, type GetOrCreatePackageResult } from './content-package-repo.js';
export { UserInterestRepo, type AddInterestResult, type UserInterestWithPackage, type UserInterestWithUser, type InterestListOptions } from './user-interest-repo.js';
export { interestsModule } from './descriptor.js';
