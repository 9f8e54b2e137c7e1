import packageJson from '../../package.json' with { type: 'json' };
import type { TokenProvider } from '../auth/types.js';
import type { Governor } from '../governor/types.js';
import { authPolicy } from './auth-policy.js';
import { governorPolicy } from './governor-policy.js';
import { jsonBodyPolicy } from './json-body-policy.js';
import { realTimer } from './real-timer.js';
import { requestLogPolicy } from './request-log-policy.js';
import { retryPolicy } from './retry-policy.js';
import { timeoutPolicy } from './timeout-policy.js';
import { fetchTransport } from './transport.js';
import {
  type FetchLike,
  type Logger,
  type Policy,
  type SendRequest,
  silentLogger,
  type Timer,
} from './types.js';
import { userAgentPolicy } from './user-agent-policy.js';

export interface PipelineOptions {
  fetch: FetchLike;
  tokenProvider: TokenProvider;
  governor: Governor;
  tenantId: string;
  clientId: string;
  logger?: Logger;
  timer?: Timer;
  /** Version in the User-Agent; defaults to this package's version. */
  userAgentVersion?: string;
  /** Retries after the first attempt (default 5). */
  maxRetries?: number;
  /** Budget for one call including all retries and waits (default 120 s). */
  totalDeadlineInMs?: number;
  /** Budget for one attempt (default 30 s). */
  timeoutInMs?: number;
}

/**
 * Chains policies around a transport; the first policy is the outermost.
 * Example: `composePolicies([userAgentPolicy('1.0.0')], fetchTransport(fetch))`.
 */
export function composePolicies(policies: readonly Policy[], transport: SendRequest): SendRequest {
  return policies.reduceRight<SendRequest>(
    (next, policy) => (request) => policy.send(request, next),
    transport,
  );
}

/**
 * The one place that orders the policies (STYLE 2). The log sees each call once with its attempts; the
 * body's JSON, the governor, token and timeout run per attempt, inside the retry loop, so a GET whose answer
 * was cut off is sent again, and a retry after a long `Retry-After` takes a new permit and a fresh token and
 * gets its own timeout.
 * Example: `const send = createPipeline({ fetch, tokenProvider, governor, tenantId, clientId });`
 */
export function createPipeline(options: PipelineOptions): SendRequest {
  const timer = options.timer ?? realTimer;
  const logger = options.logger ?? silentLogger;
  return composePolicies(
    [
      userAgentPolicy(options.userAgentVersion ?? packageJson.version),
      requestLogPolicy({ logger, timer }),
      retryPolicy({
        maxRetries: options.maxRetries,
        totalDeadlineInMs: options.totalDeadlineInMs,
        timer,
        logger,
      }),
      jsonBodyPolicy(),
      governorPolicy({
        governor: options.governor,
        tenantId: options.tenantId,
        clientId: options.clientId,
        timer,
      }),
      authPolicy(options.tokenProvider),
      timeoutPolicy({ timeoutInMs: options.timeoutInMs }),
    ],
    fetchTransport(options.fetch),
  );
}
