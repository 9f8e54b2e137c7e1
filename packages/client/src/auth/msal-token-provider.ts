import {
  ConfidentialClientApplication,
  type Configuration,
  type INetworkModule,
  LogLevel,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import type { CloudProfile } from '../clouds/types.js';
import { AuthenticationError } from '../errors.js';
import { type FetchLike, type Logger, silentLogger } from '../pipeline/types.js';
import { type ClientCertificate, loadClientCertificate } from './client-certificate.js';
import { type EntraErrorContext, loginTransportError, toAuthenticationError } from './entra-errors.js';
import type { TokenProvider } from './types.js';

export type MsalCredential =
  | { clientSecret: string }
  /** `certificatePem` may hold the private key too (a bundle); then `privateKeyPem` is not needed. */
  | { certificatePem: string; privateKeyPem?: string };

export interface MsalTokenProviderOptions {
  tenantId: string;
  clientId: string;
  credential: MsalCredential;
  cloud: CloudProfile;
  /** The transport seam: every request MSAL makes goes through it (proxy dispatcher, test fetch). */
  fetch?: FetchLike;
  logger?: Logger;
  /** Per request to the login host; default 30 s. */
  timeoutInMs?: number;
}

/**
 * MSAL needs an https authority, even though with `authorityMetadata` and `knownAuthorities` it never contacts
 * it. For a plain-http login host (the emulator) the authority names this placeholder and the metadata points
 * at the real origin; `.invalid` (RFC 2606) can never resolve, so a mistake fails loudly.
 */
const PLACEHOLDER_AUTHORITY_HOST = 'login.mde-bridge.invalid';
const DEFAULT_TIMEOUT_IN_MS = 30_000;

/**
 * Client-credential tokens for Defender and Graph through MSAL's confidential client: cached in MSAL's memory
 * cache until 5 minutes before expiry, concurrent requests for one resource coalesced into one.
 * @example const token = await new MsalTokenProvider({ tenantId, clientId, credential: { clientSecret }, cloud }).getToken('defender')
 */
export class MsalTokenProvider implements TokenProvider {
  readonly #options: MsalTokenProviderOptions;
  readonly #logger: Logger;
  readonly #inflight = new Map<string, Promise<string>>();
  #app: ConfidentialClientApplication | undefined;

  constructor(options: MsalTokenProviderOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  getToken(
    resource: 'defender' | 'graph',
    options: { forceRefresh?: boolean; signal?: AbortSignal } = {},
  ): Promise<string> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const fresh = options.forceRefresh === true;
    // A forced refresh (e.g. after a 401) must not join a request that may answer from the cache.
    const key = `${resource}:${fresh ? 'fresh' : 'any'}`;
    let shared = this.#inflight.get(key);
    if (!shared) {
      shared = this.#acquire(resource, fresh).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, shared);
    }
    return signal ? abandonOnAbort(shared, signal) : shared;
  }

  async #acquire(resource: 'defender' | 'graph', fresh: boolean): Promise<string> {
    const { tenantId, clientId, cloud } = this.#options;
    const scope = resource === 'graph' ? cloud.graphScope : cloud.defenderScope;
    const started = Date.now();
    try {
      this.#app ??= this.#createApplication();
      const result = await this.#app.acquireTokenByClientCredential({ scopes: [scope], skipCache: fresh });
      if (!result?.accessToken) {
        throw new AuthenticationError('AuthenticationFailed', 'Entra ID answered without an access token.');
      }
      const fields = {
        event: 'token.acquired',
        resource,
        scope,
        tenantId,
        clientId,
        source: result.fromCache ? 'cache' : 'entra',
        forceRefresh: fresh,
        expiresOn: result.expiresOn?.toISOString(),
        correlationId: result.correlationId,
        durationInMs: Date.now() - started,
      };
      if (result.fromCache) this.#logger.debug(fields, `${resource} token served from cache`);
      else this.#logger.info(fields, `Acquired a ${resource} token from Entra ID`);
      return result.accessToken;
    } catch (err) {
      const mapped = toAuthenticationError(err, this.#errorContext());
      this.#logger.warn(
        {
          event: 'token.failed',
          resource,
          tenantId,
          clientId,
          code: (mapped as { code?: string }).code,
          aadsts: (mapped as { aadsts?: number }).aadsts,
          durationInMs: Date.now() - started,
        },
        mapped.message,
      );
      throw mapped;
    }
  }

  #errorContext(): EntraErrorContext {
    const { tenantId, clientId, cloud, credential } = this.#options;
    return {
      tenantId,
      clientId,
      loginUrl: cloud.loginUrl,
      secrets: 'clientSecret' in credential ? [credential.clientSecret] : [],
    };
  }

  #createApplication(): ConfidentialClientApplication {
    const { tenantId, clientId, credential, cloud } = this.#options;
    if (!tenantId?.trim()) throw new AuthenticationError('TenantNotFound', 'No tenant ID is configured.');
    if (!clientId?.trim()) {
      throw new AuthenticationError('ApplicationNotFound', 'No application (client) ID is configured.');
    }
    const auth: Configuration['auth'] = { clientId: clientId.trim(), ...authorityOptions(cloud, tenantId) };
    if ('clientSecret' in credential) {
      if (!credential.clientSecret) {
        throw new AuthenticationError('InvalidClientSecret', 'No client secret is configured.');
      }
      auth.clientSecret = credential.clientSecret;
    } else {
      const cert = loadClientCertificate(credential.certificatePem, credential.privateKeyPem);
      this.#warnAboutValidity(cert);
      auth.clientCertificate = {
        thumbprintSha256: cert.thumbprintSha256,
        privateKey: cert.privateKey,
        x5c: cert.x5c,
      };
    }
    const logger = this.#logger;
    return new ConfidentialClientApplication({
      auth,
      system: {
        networkClient: fetchNetworkClient(
          this.#options.fetch ?? globalThis.fetch,
          this.#options.timeoutInMs ?? DEFAULT_TIMEOUT_IN_MS,
        ),
        loggerOptions: {
          logLevel: LogLevel.Warning,
          piiLoggingEnabled: false,
          loggerCallback: (level, message, containsPii) => {
            if (!containsPii) logger.debug({ event: 'msal', level: LogLevel[level] }, message);
          },
        },
      },
    });
  }

  #warnAboutValidity(cert: ClientCertificate): void {
    const now = Date.now();
    if (cert.notAfter.getTime() > now && cert.notBefore.getTime() <= now) return;
    this.#logger.warn(
      {
        event: 'token.certificateValidity',
        thumbprintSha256: cert.thumbprintSha256,
        notBefore: cert.notBefore.toISOString(),
        notAfter: cert.notAfter.toISOString(),
      },
      cert.notAfter.getTime() <= now
        ? 'The client certificate has expired; Entra ID will refuse it'
        : 'The client certificate is not valid yet',
    );
  }
}

/**
 * Authority settings that keep MSAL off the network until the token POST: `knownAuthorities` skips instance
 * discovery (which would call login.microsoftonline.com even for other clouds) and `authorityMetadata` skips
 * the OpenID configuration request. Works the same for real clouds and the emulator.
 */
export function authorityOptions(
  cloud: CloudProfile,
  tenantId: string,
): { authority: string; knownAuthorities: string[]; authorityMetadata: string } {
  let login: URL;
  try {
    login = new URL(cloud.loginUrl);
  } catch (err) {
    throw new AuthenticationError(
      'AuthenticationFailed',
      `The login URL '${cloud.loginUrl}' is not a valid URL.`,
      undefined,
      { cause: err },
    );
  }
  const tenant = encodeURIComponent(tenantId.trim());
  const base = `${login.origin}/${tenant}`;
  const metadata = {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    issuer: `${base}/v2.0`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
  };
  // knownAuthorities is compared with host[:port], so the port must be kept.
  const authorityHost = login.protocol === 'https:' ? login.host : PLACEHOLDER_AUTHORITY_HOST;
  return {
    authority: `https://${authorityHost}/${tenant}`,
    knownAuthorities: [authorityHost],
    authorityMetadata: JSON.stringify(metadata),
  };
}

/**
 * MSAL's `INetworkModule` over the injected fetch. Failures are thrown as MSAL `AuthError`s carrying the URL
 * and cause: MSAL passes those through, while anything else becomes a bare `network_error` without a cause.
 */
export function fetchNetworkClient(fetchImpl: FetchLike, timeoutInMs: number): INetworkModule {
  async function send<T>(
    url: string,
    method: 'GET' | 'POST',
    options: NetworkRequestOptions | undefined,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    const limit = timeout && timeout > 0 ? Math.min(timeout, timeoutInMs) : timeoutInMs;
    const signal = AbortSignal.timeout(limit);
    const failed = (cause: unknown) =>
      signal.aborted
        ? loginTransportError({ kind: 'timeout', url, timeoutInMs: limit, cause })
        : loginTransportError({ kind: 'network', url, cause });
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, {
        method,
        headers: options?.headers,
        body: method === 'POST' ? (options?.body ?? '') : undefined,
        signal,
      });
      text = await response.text();
    } catch (err) {
      throw failed(err);
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw loginTransportError({
        kind: 'notJson',
        url,
        status: response.status,
        contentType: response.headers.get('content-type') ?? undefined,
      });
    }
    return { status: response.status, headers, body: body as T };
  }
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions, timeout?: number) =>
      send<T>(url, 'GET', options, timeout),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>(url, 'POST', options),
  };
}

/** Lets one caller stop waiting without cancelling the shared request the others wait on. */
function abandonOnAbort<T>(shared: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    shared.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
