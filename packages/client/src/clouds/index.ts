export * from './cloud-profiles.js';
export * from './deep-links.js';
export * from './resolve-cloud.js';
export type * from './types.js';
