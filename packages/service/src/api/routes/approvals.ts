import type { Api, AppDeps } from '../types.js';

/** Placeholder (issue 7: approvals): replaced by the real routes. */
export function approvalsRoutes(_api: Api, _deps: AppDeps): void {}
