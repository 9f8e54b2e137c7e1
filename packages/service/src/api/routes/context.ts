import type { Api, AppDeps } from '../types.js';

/** Issue 6: not written yet. */
export function contextRoutes(_api: Api, _deps: AppDeps): void {}
