export { attemptsMade } from './attempts.js';
export { authPolicy } from './auth-policy.js';
export { composePolicies, createPipeline, type PipelineOptions } from './create-pipeline.js';
export { DEFAULT_THROTTLE_IN_MS, governorPolicy } from './governor-policy.js';
export { jsonBodyPolicy } from './json-body-policy.js';
export { describeNetworkFailure, isTransientNetworkFailure, networkFailureCode } from './network-failure.js';
export {
  MAX_RETRY_AFTER_IN_MS,
  parseJsonResponse,
  readJsonBody,
  retryAfterMs,
  toDefenderApiError,
} from './read-response.js';
export { realTimer } from './real-timer.js';
export { redactRequest, redactUrl, requestLogPolicy } from './request-log-policy.js';
export {
  BACKOFF_BASE_IN_MS,
  BACKOFF_CAP_IN_MS,
  backoffInMs,
  type RetryPolicyOptions,
  retryPolicy,
} from './retry-policy.js';
export { DEFAULT_TIMEOUT_IN_MS, timeoutPolicy } from './timeout-policy.js';
export { fetchTransport } from './transport.js';
export * from './types.js';
export { userAgent, userAgentPolicy } from './user-agent-policy.js';
