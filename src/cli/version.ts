declare const __SCHEMA_KIT_VERSION__: string | undefined;

/** The version of this build of schema-kit, injected by tsup from package.json. */
export const VERSION: string = typeof __SCHEMA_KIT_VERSION__ === 'string' ? __SCHEMA_KIT_VERSION__ : '0.0.0-source';
