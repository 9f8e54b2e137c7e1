export * from './defender-client.js';
export * from './paging.js';
export * from './test-connection.js';
export * from './tolerant.js';
