import type { Api, AppDeps } from '../types.js';

/** Placeholder (issue 8: advanced hunting): replaced by the real routes. */
export function huntingRoutes(_api: Api, _deps: AppDeps): void {}
