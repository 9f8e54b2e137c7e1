import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DefenderError, errorBody, errors } from '../errors.js';
import { faultError } from '../faults/fault-injector.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { writeReply } from './reply.js';
import type { Method, Reply, RequestContext, Router } from './router.js';

const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface Pipeline {
  state: EmulatorState;
  api: Router;
  control: Router;
  log: (line: string) => void;
}

/**
 * One request through the emulator, in the order the real service appears to apply things:
 * route → fault injection → token (401) → role (403) → licence (403) → rate limit (429) → handler.
 */
export async function handleRequest(p: Pipeline, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const origin = `${'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
  let url: URL;
  try {
    url = new URL(req.url ?? '/', origin);
  } catch {
    await writeReply(res, errorReply(errors.badRequest('The request URI is not valid'), false));
    return;
  }
  const isControl = url.pathname.startsWith('/_emulator/') || url.pathname === '/_emulator';
  const isGraph = /^\/(v1\.0|beta)\//i.test(url.pathname);
  try {
    if (isControl && !isLoopback(req.socket.remoteAddress)) {
      throw errors.forbidden('The emulator control surface answers loopback clients only');
    }
    const router = isControl ? p.control : p.api;
    const match = router.match(req.method ?? 'GET', url.pathname);
    if (!match) {
      throw errors.notFound(`No HTTP resource was found that matches the request URI '${url.href}'.`);
    }
    if ('allow' in match) {
      // Defender answers a wrong method on an action route with an empty 405 (spec 3.1).
      await drain(req);
      await writeReply(res, { status: 405, headers: { Allow: match.allow.join(', ') } });
      return;
    }
    const route = match.def;
    const rawBody = await readBody(req);
    const ctx: RequestContext = {
      req,
      method: (req.method ?? 'GET') as Method,
      url,
      origin,
      params: match.params,
      query: url.searchParams,
      body: undefined,
      rawBody,
      claims: undefined,
    };
    if (route.auth === 'control') {
      ctx.body = parseJsonBody(rawBody, req);
      await writeReply(res, await route.handler(ctx));
      return;
    }
    p.state.stats.call(route.family);
    const fault = p.state.faults.take(route.family);
    if (fault) {
      if (fault.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'hang') {
        await hang(res, fault.hangMs);
        return;
      }
      if (fault.kind !== 'truncate') {
        if (fault.kind === '429') p.state.stats.throttle(route.family);
        throw faultError(fault);
      }
    }
    if (route.auth === 'defender' || route.auth === 'graph') {
      const claims = await p.state.directory.verifyAccessToken(req.headers.authorization, {
        audience: route.auth,
        nowMs: Date.now(),
      });
      ctx.claims = claims as RequestContext['claims'];
      if (route.roles && !route.roles.some((r) => (claims.roles ?? []).includes(r))) {
        throw errors.forbidden(
          `The application does not have any of the required application permissions (${route.roles.join(', ')}) to access the resource.`,
        );
      }
      if (route.feature && !featureLicensed(p.state, route.feature)) throw errors.disabledFeature();
      const key = `${claims.tid}:${claims.appid}:${route.operation}`;
      const verdict = route.limit ? p.state.limiter.check(key, route.limit) : undefined;
      if (verdict && !verdict.allowed) {
        p.state.stats.throttle(route.family);
        throw route.family === 'hunting'
          ? errors.tooManyRequests(
              `API calls quota exceeded! maximum allowed ${verdict.limit} per ${verdict.window}`,
              verdict.retryAfterSeconds,
              '429',
            )
          : errors.tooManyRequests(
              `Rate limit is exceeded. Try again in ${verdict.retryAfterSeconds} seconds.`,
              verdict.retryAfterSeconds,
            );
      }
      ctx.body = parseJsonBody(rawBody, req);
    }
    if (route.auth === 'none') ctx.body = rawBody;
    p.state.catchUp();
    const reply = await route.handler(ctx);
    await writeReply(res, reply, { truncate: fault?.kind === 'truncate' });
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (!(err instanceof DefenderError)) {
      p.log(`emulator: unexpected error on ${req.method} ${url.pathname}: ${(err as Error)?.stack ?? err}`);
    }
    const known = err instanceof DefenderError ? err : errors.internal();
    await writeReply(res, errorReply(known, isGraph));
  }
}

function errorReply(err: DefenderError, graph: boolean): Reply {
  if (graph) {
    const requestId = randomUUID();
    return {
      status: err.status,
      headers: { ...err.headers, 'request-id': requestId },
      body: {
        error: {
          code: err.code,
          message: err.message,
          innerError: {
            date: new Date().toISOString().slice(0, 19),
            'request-id': requestId,
            'client-request-id': requestId,
          },
        },
      },
    };
  }
  return { status: err.status, headers: err.headers, body: errorBody(err) };
}

function featureLicensed(state: EmulatorState, feature: string): boolean {
  const license = state.settings.license;
  if (license === 'p2' || license === 'mixed') return true;
  if (feature === 'tvm') return true; // TVM pages say "Applies to Plan 1, Plan 2" (DEVIATIONS.md)
  return false; // hunting, live response, restrict, investigation package: Plan 2 only
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw errors.invalidRequestBody(`the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) {
    // discard
  }
}

function parseJsonBody(raw: string, req: IncomingMessage): unknown {
  if (raw.trim() === '') return undefined;
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/x-www-form-urlencoded')) return new URLSearchParams(raw);
  try {
    return JSON.parse(raw);
  } catch {
    throw errors.invalidRequestBody('the body is not valid JSON');
  }
}

function hang(res: ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      res.destroy();
      resolve();
    }, ms);
    res.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
