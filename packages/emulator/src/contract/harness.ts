/** Test harness: a running emulator, tokens for it, and JSON calls over real HTTP. */
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../server.js';

export const DEFENDER_SCOPE = 'https://api.securitycenter.microsoft.com/.default';
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
export const SAMPLES = new URL('../../../../../shared/spec/samples/', import.meta.url);

export interface Harness {
  emu: RunningEmulator;
  token(scope?: string, app?: { clientId: string; clientSecret: string }): Promise<string>;
  call(path: string, init?: RequestInit & { token?: string | null; json?: unknown }): Promise<Answer>;
  control(path: string, method?: string, json?: unknown): Promise<Answer>;
  close(): Promise<void>;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  body: any;
}

export async function startHarness(opts: EmulatorOptions = {}): Promise<Harness> {
  const emu = await startEmulator({ devices: 60, seed: 'contract', clock: 'manual', log: () => {}, ...opts });
  const tokens = new Map<string, string>();
  const token = async (scope = DEFENDER_SCOPE, app = emu.demoApp) => {
    const key = `${scope}|${app.clientId}`;
    const cached = tokens.get(key);
    if (cached) return cached;
    const res = await fetch(`${emu.loginUrl}/${emu.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: app.clientId,
        client_secret: app.clientSecret,
        scope,
      }),
    });
    const body = (await res.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
    tokens.set(key, body.access_token);
    return body.access_token;
  };
  const call: Harness['call'] = async (path, init = {}) => {
    const headers = new Headers(init.headers);
    const bearer =
      init.token === undefined
        ? await token(path.startsWith('/v1.0/') ? GRAPH_SCOPE : DEFENDER_SCOPE)
        : init.token;
    if (bearer) headers.set('Authorization', `Bearer ${bearer}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('Content-Type', 'application/json');
      body = JSON.stringify(init.json);
    }
    const res = await fetch(`${emu.apiUrl}${path}`, { ...init, headers, body });
    return answer(res);
  };
  const control: Harness['control'] = async (path, method = 'GET', json) => {
    const res = await fetch(`${emu.apiUrl}/_emulator/${path}`, {
      method,
      headers: json === undefined ? {} : { 'Content-Type': 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    return answer(res);
  };
  return { emu, token, call, control, close: () => emu.close() };
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}
