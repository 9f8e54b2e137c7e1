import { ApiError, apiUrl } from './client.js';
import type { ErrorBody } from './types.js';
import type { HuntingDiagnostic, HuntingResult } from './types-hunting.js';

// POST /hunting/queries needs more than the shared client gives: the parser's diagnostics of a 400
// `invalid_query`, and the CSV variant as a file. This module makes that one request by hand.

/** An ApiError that also carries the KQL parser's diagnostics (400 `invalid_query`). */
export class HuntingError extends ApiError {
  readonly diagnostics: HuntingDiagnostic[];

  constructor(
    status: number,
    body: (ErrorBody & { diagnostics?: unknown }) | null,
    retryAfterHeader: string | null,
  ) {
    const error = body?.error as (ErrorBody['error'] & { diagnostics?: unknown }) | undefined;
    const retry = error?.retryAfterSeconds ?? (retryAfterHeader ? Number(retryAfterHeader) : undefined);
    super(
      status,
      body
        ? { ...body, error: { ...body.error, retryAfterSeconds: Number.isFinite(retry) ? retry : undefined } }
        : null,
    );
    const found = error?.diagnostics ?? body?.diagnostics;
    this.diagnostics = Array.isArray(found) ? (found as HuntingDiagnostic[]) : [];
  }
}

export interface HuntingQueryBody {
  tenantId?: string;
  query: string;
  timespan?: string;
}

async function post(body: HuntingQueryBody, csrfToken: string | null): Promise<Response> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/json',
  };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(apiUrl('/hunting/queries'), {
      method: 'POST',
      headers,
      credentials: 'same-origin',
      body: JSON.stringify(body),
    });
  } catch {
    throw new HuntingError(
      0,
      {
        error: {
          code: 'network',
          message: 'The server could not be reached. Check that mde-bridge is running.',
        },
      },
      null,
    );
  }
  if (!response.ok) {
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    throw new HuntingError(response.status, parsed as ErrorBody | null, response.headers.get('retry-after'));
  }
  return response;
}

export async function runHuntingQuery(
  body: HuntingQueryBody,
  csrfToken: string | null,
): Promise<HuntingResult> {
  const response = await post(body, csrfToken);
  return (await response.json()) as HuntingResult;
}

/**
 * The result on screen as CSV (RFC 4180, CRLF line ends), made in the browser so a download spends no hunting
 * quota. Same rules as the API's `?format=csv`: strings quoted when they hold a comma, quote or line break and
 * guarded against spreadsheet formulas; objects as JSON; null as an empty field.
 */
export function huntingResultCsv(result: Pick<HuntingResult, 'columns' | 'rows'>): Blob {
  const text = (value: string) => {
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const field = (value: unknown) => {
    if (value === null || value === undefined) return '';
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return text(typeof value === 'string' ? value : JSON.stringify(value));
  };
  const lines = [result.columns.map((c) => text(c.name)).join(',')];
  for (const row of result.rows) lines.push(result.columns.map((c) => field(row[c.name])).join(','));
  return new Blob([`${lines.join('\r\n')}\r\n`], { type: 'text/csv' });
}

/** Hands a blob to the browser as a file download. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
