/**
 * The roles module's value sets: host-owned vocabularies. `DEFAULT_*` are the rows
 * the migrations seed into their lookup tables; a host extends them (`VocabularyRepo.add` or its
 * own INSERT), and the Kysely column types accept the defaults and any host value.
 */
import type { HostValue } from '../../vocabulary/types.js';

/** The default values of `user_role_change_log.change_source`: what caused a role change. */
export const DEFAULT_CHANGE_SOURCES = ['admin', 'system', 'api', 'migration', 'self'] as const;

/** A default value of `user_role_change_log.change_source`. */
export type DefaultChangeSource = (typeof DEFAULT_CHANGE_SOURCES)[number];

/** A value of `user_role_change_log.change_source`: a default, or a value the host added to the vocabulary. */
export type ChangeSource = HostValue<DefaultChangeSource>;
