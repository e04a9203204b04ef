/** The planning module: its tables, value sets, input schemas and repositories. */

export {
  type ProjectsTable,
  type Project,
  type NewProject,
  type ProjectUpdate,
  type ReleasesTable,
  type Release,
  type NewRelease,
  type ReleaseUpdate,
  type FeaturesTable,
  type Feature,
  type NewFeature,
  type FeatureUpdate,
  type UserContextTable,
  type UserContext,
  type NewUserContext,
  type UserContextUpdate,
} from './tables.js';
export {
  PROJECT_STATUSES,
  RELEASE_STATUSES,
  FEATURE_STATUSES,
  type ProjectStatus,
  type ReleaseStatus,
  type FeatureStatus,
} from './values.js';
export {
  newProjectSchema,
  newReleaseSchema,
  newFeatureSchema,
  type NewProjectInput,
  type NewReleaseInput,
  type NewFeatureInput,
} from './validation.js';
export type { AuditedRepoOptions, ChangeOptions } from './audited-writer.js';
export { FeatureRepo } from './feature-repo.js';
export { ProjectRepo } from './project-repo.js';
export { ReleaseRepo } from './release-repo.js';
export { UserContextRepo } from './user-context-repo.js';
export { planningModule } from './descriptor.js';
