import type { Api, AppDeps } from '../types.js';

/** Placeholder (issue 8: stitching): replaced by the real routes. */
export function stitchingRoutes(_api: Api, _deps: AppDeps): void {}
