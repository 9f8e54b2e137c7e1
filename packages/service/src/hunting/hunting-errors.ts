/**
 * Why a hunting query was not answered. One error type with a stable `code`, so the API, the CLI and the
 * stitcher each map it once (CONTRACT.md: invalid_query → 400, hunting_unavailable → 422, hunting_quota → 429,
 * defender_error → 502).
 */
import type { HuntingDiagnostic } from './kql-check.js';

export type HuntingErrorCode = 'invalid_query' | 'hunting_unavailable' | 'hunting_quota' | 'defender_error';

export class HuntingError extends Error {
  override name = 'HuntingError';
  constructor(
    readonly code: HuntingErrorCode,
    message: string,
    readonly details: {
      /** invalid_query: what the parser found. */
      diagnostics?: HuntingDiagnostic[];
      /** hunting_quota: when a call may be made again. */
      retryAfterSeconds?: number;
      /** defender_error: Defender's own error code and HTTP status. */
      defenderCode?: string;
      defenderStatus?: number;
      /** The MDE hunting API answered that it is retired (the runner then falls back to Graph). */
      retired?: boolean;
      /** The hunting_runs row that recorded the refusal or failure. */
      runId?: string;
    } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What a tenant without advanced hunting is told (spec 10: no hunting in Defender for Business or Plan 1). */
export const HUNTING_UNLICENSED =
  "This tenant's licence does not include advanced hunting (Defender answered 403 DisabledFeature). " +
  'Advanced hunting needs Microsoft Defender for Endpoint Plan 2 (or Microsoft 365 E5); ' +
  'Defender for Endpoint Plan 1 and Defender for Business have no advanced hunting.';
