import type { Api, AppDeps } from '../types.js';

/** Placeholder (issue 7: detections and lockdown policies): replaced by the real routes. */
export function detectionsRoutes(_api: Api, _deps: AppDeps): void {}
