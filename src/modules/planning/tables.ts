/** Tables of the `planning` module: `projects`, `releases`, `features` and `user_context`. */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Generated, Timestamp } from '../../schema/column-types.js';
import type { FeatureStatus, ProjectStatus, ReleaseStatus } from './values.js';

/** `projects`: a product being planned; the name is unique. */
export interface ProjectsTable {
  id: Generated<string>;
  name: string;
  description: string | null;
  status: Generated<ProjectStatus>;
  created_at: Generated<Timestamp>;
  /** Set to now() by a trigger on every update. */
  updated_at: Generated<Timestamp>;
}

/** A row of `projects`. */
export type Project = Selectable<ProjectsTable>;
/** A new row for `projects`. */
export type NewProject = Insertable<ProjectsTable>;
/** A change to a row of `projects`. */
export type ProjectUpdate = Updateable<ProjectsTable>;

/** `releases`: a release of a project; the version is unique within the project. */
export interface ReleasesTable {
  id: Generated<string>;
  project_id: string;
  version: string;
  /** A `date` column. */
  target_date: Timestamp | null;
  status: Generated<ReleaseStatus>;
  created_at: Generated<Timestamp>;
  /** Set to now() by a trigger on every update. */
  updated_at: Generated<Timestamp>;
}

/** A row of `releases`. */
export type Release = Selectable<ReleasesTable>;
/** A new row for `releases`. */
export type NewRelease = Insertable<ReleasesTable>;
/** A change to a row of `releases`. */
export type ReleaseUpdate = Updateable<ReleasesTable>;

/** `features`: a feature of a project, optionally planned into a release. */
export interface FeaturesTable {
  id: Generated<string>;
  project_id: string;
  name: string;
  description: string | null;
  status: Generated<FeatureStatus>;
  /** Why the feature has its current status. */
  status_reason: string | null;
  /** Team names; defaults to an empty array. */
  assigned_teams: Generated<string[]>;
  /** The product owner in charge. */
  assigned_po: string | null;
  /** Set to null when the release is deleted. */
  release_id: string | null;
  created_at: Generated<Timestamp>;
  /** Set to now() by a trigger on every update. */
  updated_at: Generated<Timestamp>;
}

/** A row of `features`. */
export type Feature = Selectable<FeaturesTable>;
/** A new row for `features`. */
export type NewFeature = Insertable<FeaturesTable>;
/** A change to a row of `features`. */
export type FeatureUpdate = Updateable<FeaturesTable>;

/** `user_context`: the project a chat user is working in, keyed by the host's user id. */
export interface UserContextTable {
  /** The host's user id as text (e.g. a Telegram id); not a `users` reference. */
  user_id: string;
  /** Set to null when the project is deleted. */
  active_project_id: string | null;
  /** Set to now() by a trigger on every update. */
  updated_at: Generated<Timestamp>;
}

/** A row of `user_context`. */
export type UserContext = Selectable<UserContextTable>;
/** A new row for `user_context`. */
export type NewUserContext = Insertable<UserContextTable>;
/** A change to a row of `user_context`. */
export type UserContextUpdate = Updateable<UserContextTable>;
