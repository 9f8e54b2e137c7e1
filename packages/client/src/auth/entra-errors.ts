import { AuthError } from '@azure/msal-node';
import {
  AuthenticationError,
  IntentError,
  NetworkError,
  RequestTimedOut,
  ResponseParseError,
} from '../errors.js';

/**
 * Turns what MSAL throws into the client's intent errors, worded so a person knows what to change.
 * AADSTS numbers come from spec 2.7 and the Entra error-code reference.
 */

/** What the caller knows about the request; fills the names into the messages. */
export interface EntraErrorContext {
  tenantId?: string;
  clientId?: string;
  /** Login origin, named in network errors when the error itself carries no host. */
  loginUrl?: string;
  /** Strings never to echo (the client secret); replaced by `***` as a last line of defence. */
  secrets?: string[];
}

/** The login host could not be reached or answered garbage; attached to the AuthError MSAL passes through. */
export interface LoginTransportFailure {
  kind: 'network' | 'timeout' | 'notJson';
  url: string;
  status?: number;
  contentType?: string;
  timeoutInMs?: number;
  cause?: unknown;
}

const TRANSPORT_FAILURE = Symbol.for('mde-bridge.loginTransportFailure');

/**
 * An MSAL `AuthError` describing a transport failure of the login host. MSAL rethrows `AuthError`s from its
 * network client unchanged but replaces any other error with a bare `network_error` (losing the cause), and
 * its constructor resets the prototype, so the details ride on a symbol property instead of a subclass.
 */
export function loginTransportError(failure: LoginTransportFailure): AuthError {
  const host = hostOf(failure.url);
  const text =
    failure.kind === 'timeout'
      ? `No answer from ${host} within ${failure.timeoutInMs} ms`
      : failure.kind === 'notJson'
        ? `${host} answered HTTP ${failure.status} with a non-JSON body (${failure.contentType || 'no content type'})`
        : `Request to ${host} failed: ${describeCause(failure.cause)}`;
  const err = new AuthError('network_error', '', text);
  Object.defineProperty(err, TRANSPORT_FAILURE, { value: failure, enumerable: false });
  if (failure.cause !== undefined) Object.defineProperty(err, 'cause', { value: failure.cause });
  return err;
}

const MULTI_TENANT_ALIAS = (tenant: string) =>
  `Tenant ${tenant} is a multi-tenant alias; use the tenant's ID (a GUID) or its domain name.`;

const INVALID_SECRET = new Set([7000215, 7000222, 7000218]);
const TENANT_NOT_FOUND = new Set([90002, 900023, 9001023]);
const CONSENT_MISSING = new Set([65001, 500011, 7000112, 50105, 50001]);
const BAD_ASSERTION = new Set([700024, 50027, 5002730, 50012, 50048, 700021, 5002741, 90100]);

/**
 * Maps an MSAL error (or a raw network error) to `AuthenticationError` / `NetworkError` / `RequestTimedOut`.
 * @example throw toAuthenticationError(err, { tenantId, clientId, loginUrl })
 */
export function toAuthenticationError(err: unknown, context: EntraErrorContext = {}): Error {
  if (err instanceof IntentError) return err;
  const mapped = map(err, context);
  for (const secret of context.secrets ?? []) {
    if (secret.length >= 4) mapped.message = mapped.message.split(secret).join('***');
  }
  return mapped;
}

function map(err: unknown, ctx: EntraErrorContext): Error {
  const transport = transportFailureOf(err);
  if (transport) return fromTransport(transport, err);

  const isMsal = err instanceof AuthError || (isObject(err) && typeof err.errorCode === 'string');
  const errorCode = isMsal ? String((err as AuthError).errorCode) : '';
  const raw = isMsal ? (err as AuthError).errorMessage || (err as Error).message : messageOf(err);
  const aadsts = aadstsOf(err, raw);
  const description = entraDescription(raw);
  const tenant = ctx.tenantId ? `'${ctx.tenantId}'` : 'the configured tenant';
  const app = ctx.clientId ? `application ${ctx.clientId}` : 'the application';
  const appNode = ctx.clientId ? `the app ${ctx.clientId}` : '<your app>';
  const tail = (code: number) => ` (AADSTS${code}: ${description})`;
  const auth = (code: string, message: string) =>
    new AuthenticationError(code, message, aadsts, { cause: err });

  if (aadsts !== undefined) {
    if (INVALID_SECRET.has(aadsts)) {
      const what =
        aadsts === 7000218
          ? 'No client secret or certificate was sent.'
          : aadsts === 7000222
            ? 'The client secret has expired.'
            : 'The client secret is wrong or has expired.';
      return auth(
        'InvalidClientSecret',
        `${what} In Entra ID → App registrations → ${appNode} → Certificates & secrets, create a new secret and ` +
          `paste its Value (not its Secret ID).${tail(aadsts)}`,
      );
    }
    if (TENANT_NOT_FOUND.has(aadsts)) {
      const host = ctx.loginUrl ? hostOf(ctx.loginUrl) : 'the login host';
      const what =
        aadsts === 9001023
          ? MULTI_TENANT_ALIAS(tenant)
          : aadsts === 900023
            ? `Tenant ${tenant} is neither a tenant ID (GUID) nor a domain name: check the tenant ID.`
            : `Tenant ${tenant} was not found at ${host}: check the tenant ID and the cloud ` +
              `(GCC High, DoD and China tenants sign in at their own login host).`;
      return auth('TenantNotFound', what + tail(aadsts));
    }
    if (aadsts === 700016) {
      return auth(
        'ApplicationNotFound',
        `${capitalise(app)} is not registered in tenant ${tenant} — check the client ID, or the tenant.${tail(aadsts)}`,
      );
    }
    if (CONSENT_MISSING.has(aadsts)) {
      const why =
        aadsts === 500011 || aadsts === 50001
          ? 'The Defender API (WindowsDefenderATP) is not available to this tenant: Defender for Endpoint may not be provisioned yet, the cloud may be wrong, or no one has granted its permissions.'
          : aadsts === 7000112
            ? `${capitalise(app)} is disabled in the tenant.`
            : aadsts === 50105
              ? `${capitalise(app)} requires assignment and the caller is not assigned.`
              : `Admin consent is missing for ${app}.`;
      return auth(
        'ConsentMissing',
        `${why} In Entra ID → App registrations → ${appNode} → API permissions, add the WindowsDefenderATP ` +
          `application permissions and press "Grant admin consent" (a Global or Privileged Role Administrator must do it).${tail(aadsts)}`,
      );
    }
    if (aadsts === 700027) {
      const thumbprint = /Thumbprint of key used by client: '([0-9A-Fa-f]*)'/.exec(raw)?.[1];
      if (/expired/i.test(raw)) {
        return auth(
          'InvalidCertificate',
          `The client certificate has expired: create a new one and upload its public part to the app registration.${tail(aadsts)}`,
        );
      }
      return auth(
        'CertificateNotRegistered',
        `The certificate${thumbprint ? ` with thumbprint ${thumbprint}` : ''} is not registered on ${app}: upload the ` +
          `certificate's public part (.cer/.pem, not the private key) to the app registration, under Certificates & secrets → Certificates.${tail(aadsts)}`,
      );
    }
    if (BAD_ASSERTION.has(aadsts)) {
      const why =
        aadsts === 700024
          ? 'Entra refused the signed client assertion as outside its valid time range: check this machine’s clock.'
          : 'Entra refused the client assertion signed with the certificate: check that the private key belongs to the certificate and is an RSA key.';
      return auth('InvalidCertificate', why + tail(aadsts));
    }
    const status = (err as { status?: number }).status;
    if (status === 429 || (status !== undefined && status >= 500)) {
      return auth(
        'AuthenticationFailed',
        `Entra ID is ${status === 429 ? 'throttling token requests' : 'unavailable'} (HTTP ${status}); try again later.${tail(aadsts)}`,
      );
    }
    return auth('AuthenticationFailed', `Entra ID refused the token request.${tail(aadsts)}`);
  }

  if (errorCode === 'missing_tenant_id_error') {
    // MSAL refuses client credentials on /common, /organizations and /consumers before any request.
    return auth('TenantNotFound', MULTI_TENANT_ALIAS(tenant));
  }
  if (errorCode === 'endpoints_resolution_error' || errorCode === 'network_error' || isNetworkish(err)) {
    const host = ctx.loginUrl ? hostOf(ctx.loginUrl) : 'the login host';
    return fromNetwork(host, err, raw);
  }
  if (errorCode === 'invalid_assertion' || /assertion/i.test(errorCode)) {
    return auth('InvalidCertificate', `The client assertion could not be built: ${raw}`);
  }
  return auth('AuthenticationFailed', `Authentication failed: ${errorCode ? `${errorCode}: ` : ''}${raw}`);
}

function fromTransport(t: LoginTransportFailure, err: unknown): Error {
  const host = hostOf(t.url);
  if (t.kind === 'timeout') {
    return new RequestTimedOut(`The login host ${host} did not answer within ${t.timeoutInMs} ms.`, {
      cause: err,
    });
  }
  if (t.kind === 'notJson') {
    return new ResponseParseError(
      `The login host ${host} answered HTTP ${t.status} with ${t.contentType || 'a body'} instead of JSON: ` +
        'check the login URL, and any proxy between here and Entra ID.',
      { cause: err },
    );
  }
  return fromNetwork(host, t.cause ?? err, describeCause(t.cause));
}

function fromNetwork(host: string, err: unknown, detail: string): NetworkError {
  const code = causeCodes(err)[0];
  let advice: string;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      advice = `the name ${host} could not be resolved (DNS): check the login URL / cloud, DNS and proxy settings.`;
      break;
    case 'ECONNREFUSED':
      advice = `the connection to ${host} was refused: nothing listens there, or a firewall or proxy rejects it.`;
      break;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      advice = `connecting to ${host} timed out: check the firewall and proxy settings.`;
      break;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      advice = `the connection to ${host} was reset: a proxy or firewall may be cutting it.`;
      break;
    default:
      advice =
        code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS|SSL/.test(code)
          ? `the TLS certificate of ${host} is not trusted (${code}): if a proxy inspects TLS, add its CA (NODE_EXTRA_CA_CERTS).`
          : `${host} could not be reached (${detail}).`;
  }
  return new NetworkError(`Cannot get a token: ${advice}`, { cause: err });
}

function transportFailureOf(err: unknown): LoginTransportFailure | undefined {
  if (!isObject(err)) return undefined;
  return (err as Record<symbol, unknown>)[TRANSPORT_FAILURE] as LoginTransportFailure | undefined;
}

/** `ServerError.errorNo` when set (MSAL copies `error_codes[0]`), else the first `AADSTSnnn` in the text. */
function aadstsOf(err: unknown, text: string): number | undefined {
  const no = isObject(err) ? err.errorNo : undefined;
  if ((typeof no === 'number' || typeof no === 'string') && /^\d+$/.test(String(no))) return Number(no);
  const m = /AADSTS(\d+)/.exec(text) ?? /Error\(s\): (\d+)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The human part of MSAL's `Error(s): … - Description: AADSTSnnn: <text>\r\nTrace ID: …` string. */
function entraDescription(text: string): string {
  const m = /AADSTS\d+: ([^\r\n]*)/.exec(text);
  const sentence = (m ? m[1] : text).replace(/\s*-\s*Correlation ID:.*$/s, '').trim();
  return sentence.length > 400 ? `${sentence.slice(0, 400)}…` : sentence;
}

function isNetworkish(err: unknown): boolean {
  const codes = causeCodes(err);
  if (codes.some((c) => /^(E[A-Z]+|UND_ERR_.*|.*CERT.*)$/.test(c))) return true;
  return err instanceof TypeError && /fetch failed/i.test(err.message);
}

/** `code`s along the `cause` chain (and inside AggregateErrors), outermost first. */
function causeCodes(err: unknown): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number) => {
    if (!isObject(e) || seen.has(e) || depth > 6) return;
    seen.add(e);
    if (typeof e.code === 'string' && e.code !== 'network_error') out.push(e.code);
    if (Array.isArray(e.errors)) for (const inner of e.errors) visit(inner, depth + 1);
    visit(e.cause, depth + 1);
  };
  visit(err, 0);
  return out;
}

function describeCause(cause: unknown): string {
  const code = causeCodes(cause)[0];
  const deepest = (e: unknown): unknown => (isObject(e) && isObject(e.cause) ? deepest(e.cause) : e);
  const msg = messageOf(deepest(cause)) || messageOf(cause);
  return code && !msg.includes(code) ? `${code} ${msg}`.trim() : msg || 'unknown error';
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (isObject(err) && typeof err.message === 'string') return err.message;
  return typeof err === 'string' ? err : '';
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
