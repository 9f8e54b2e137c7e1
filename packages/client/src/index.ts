export * from './auth/index.js';
export * from './clouds/index.js';
export * from './errors.js';
export * from './governor/index.js';
export * from './models/index.js';
export * from './operations/index.js';
export * from './permissions/index.js';
export * from './pipeline/index.js';
