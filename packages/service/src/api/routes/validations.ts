import type { Api, AppDeps } from '../types.js';

/** Placeholder (issue 8: validations): replaced by the real routes. */
export function validationsRoutes(_api: Api, _deps: AppDeps): void {}
