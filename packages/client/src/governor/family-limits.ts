import type { ApiFamily, FamilyLimit } from './types.js';

/**
 * Defender's published limits per application + tenant (spec 9.1). `null` means no bucket: the family
 * passes straight through (no published limit, or not a Defender API at all), and is held back only
 * while a 429's `Retry-After` pause is running for its key — so it is not queued by priority either.
 */
export const defaultFamilyLimits: Record<ApiFamily, FamilyLimit | null> = {
  // The token endpoint is Entra ID's, not Defender's; its own throttling is answered by the auth policy.
  token: null,
  machines: { perMinute: 100, perHour: 1500 },
  alerts: { perMinute: 100, perHour: 1500 },
  alertsBatch: { perMinute: 10, perHour: 500 },
  machineActions: { perMinute: 100, perHour: 1500 },
  // Isolate, unisolate, AV scan, ... are "100/min, 1,500/h each"; one family keeps the sum under that.
  responseActions: { perMinute: 100, perHour: 1500 },
  // Only "10/min" is published (plus 25 concurrent sessions, which is not a rate). The hour bucket runs at
  // the same rate (10 × 60 = 600/h), so it never binds before the minute bucket does.
  liveResponse: { perMinute: 10, perHour: 600 },
  packageUri: { perMinute: 2, perHour: 120 },
  machineVulnerabilities: { perMinute: 50, perHour: 1500 },
  // Spec 9.1: "Vulnerabilities, software, recommendations, scores, machinesVulnerabilities: no limit
  // stated on the pages read".
  vulnerabilities: null,
  software: null,
  recommendations: null,
  scores: null,
  // Not in the 9.1 table; the spec's summary says limits are "mostly 100 calls/minute and 1,500 calls/hour
  // per API", so these get the common figure.
  indicators: { perMinute: 100, perHour: 1500 },
  files: { perMinute: 100, perHour: 1500 },
  // MDE advanced hunting; the CPU quotas (10 CPU-min/h, 3 CPU-h/day) are not call counts and show up as 429s.
  hunting: { perMinute: 45, perHour: 1500 },
  // Microsoft Graph publishes no per-API limit for the security endpoints we call; 429s still pause it.
  graph: null,
};
