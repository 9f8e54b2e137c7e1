import type { Api, AppDeps } from '../types.js';

/** TODO(issue 5): not written yet. */
export function auditRoutes(_api: Api, _deps: AppDeps): void {}
