export * from './bucket-store.js';
export * from './family-limits.js';
export * from './sliding-window-store.js';
export * from './token-bucket-governor.js';
export * from './types.js';
