import { DefenderError, errors } from '../errors.js';
import type { RequestContext, RouteDef } from '../http/router.js';
import { runKql, toGraphResponse, toMdeResponse } from '../hunting/engine.js';
import type { HuntingResult } from '../hunting/types.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { objectBody } from './common.js';

/** Advanced hunting: 45 calls a minute and 1,500 an hour (spec 7.1). */
const HUNTING_LIMIT = { perMinute: 45, perHour: 1500 };
/** 10 CPU-minutes per hour (spec 7.1); the emulator charges each query's wall time. */
const CPU_MS_PER_HOUR = 10 * 60_000;
const MAX_QUERY_CHARS = 100_000;

export function huntingRoutes(state: EmulatorState): RouteDef[] {
  return [
    {
      method: 'POST',
      path: '/api/advancedqueries/run',
      family: 'hunting',
      operation: 'runAdvancedQuery',
      auth: 'defender',
      roles: ['AdvancedQuery.Read.All'],
      feature: 'hunting',
      limit: HUNTING_LIMIT,
      handler: async (ctx) => {
        if (state.settings.mdeHunting === 'retired') throw retired();
        return { status: 200, body: toMdeResponse(await hunt(state, queryOf(ctx))) };
      },
    },
    {
      method: 'POST',
      path: '/api/advancedhunting/run',
      family: 'hunting',
      operation: 'runAdvancedHunting',
      auth: 'defender',
      roles: ['AdvancedHunting.Read.All'],
      feature: 'hunting',
      limit: HUNTING_LIMIT,
      handler: async (ctx) => {
        if (state.settings.mdeHunting === 'retired') throw retired();
        return { status: 200, body: toMdeResponse(await hunt(state, queryOf(ctx))) };
      },
    },
    {
      method: 'POST',
      path: '/v1.0/security/runHuntingQuery',
      family: 'graph',
      operation: 'runHuntingQuery',
      auth: 'graph',
      roles: ['ThreatHunting.Read.All'],
      feature: 'hunting',
      limit: HUNTING_LIMIT,
      handler: async (ctx) => {
        const result = await hunt(state, queryOf(ctx));
        const context = `${ctx.origin}/v1.0/$metadata#microsoft.graph.security.huntingQueryResults`;
        return { status: 200, body: toGraphResponse(result, context) };
      },
    },
  ];
}

/** The MDE/XDR hunting APIs after their retirement (assumed answer: no public source shows it; DEVIATIONS.md). */
function retired(): DefenderError {
  return new DefenderError(
    410,
    'Gone',
    'The advanced hunting API has been retired. Use Microsoft Graph runHuntingQuery (POST https://graph.microsoft.com/v1.0/security/runHuntingQuery) instead.',
  );
}

/** `{"Query": "..."}`; the key is case-sensitive on the MDE API, Graph documents the same spelling. */
function queryOf(ctx: RequestContext): string {
  const body = objectBody(ctx);
  const query = body.Query;
  if (query === undefined) {
    const wrong = Object.keys(body).find((k) => k.toLowerCase() === 'query');
    throw errors.missingParameter(
      wrong ? `Query (parameter names are case-sensitive; got '${wrong}')` : 'Query',
    );
  }
  if (typeof query !== 'string' || query.trim() === '')
    throw errors.invalidRequestBody('Query must be a non-empty string');
  if (query.length > MAX_QUERY_CHARS)
    throw errors.badRequest(`The query is longer than ${MAX_QUERY_CHARS} characters`);
  return query;
}

async function hunt(state: EmulatorState, query: string): Promise<HuntingResult> {
  const nowMs = state.clock.now();
  const hour = Math.floor(Date.now() / 3_600_000);
  if (state.huntingCpu.hour !== hour) state.huntingCpu = { hour, usedMs: 0 };
  if (state.huntingCpu.usedMs >= CPU_MS_PER_HOUR) {
    const wait = Math.ceil(((hour + 1) * 3_600_000 - Date.now()) / 1000);
    throw errors.tooManyRequests(
      `You have exceeded processing resources allocated to this tenant. You can run queries again in ${wait} seconds.`,
      wait,
      '429',
    );
  }
  const result = await runKql(query, state.tables(), { nowMs });
  state.huntingCpu.usedMs += result.executionMs;
  return result;
}
