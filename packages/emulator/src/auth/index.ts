export * from './aadsts.js';
export * from './directory.js';
export * from './discovery.js';
export * from './keys.js';
export * from './resources.js';
export * from './token-endpoint.js';
export * from './verify.js';
