import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { api } from '../api/client.js';
import { HuntingError, huntingResultCsv, runHuntingQuery, saveBlob } from '../api/hunting-request.js';
import type { HuntingCheck, HuntingDiagnostic, HuntingQuota, HuntingResult } from '../api/types-hunting.js';
import { useApi } from '../api/use-api.js';
import { HuntingHistory } from '../components/hunting-history.js';
import { HuntingQuotaPanel } from '../components/hunting-quota.js';
import { HuntingResults } from '../components/hunting-results.js';
import { PageHeader } from '../components/page-header.js';
import { SavedQueries } from '../components/saved-queries.js';
import { ErrorMessage } from '../components/status.js';
import { useTenantOptions } from '../components/tenant-options.js';
import { formatNumber } from '../format.js';
import { useLocation } from '../router.js';
import { useSession } from '../session.js';

// Advanced hunting (C11): KQL against a tenant's Defender telemetry. Every keystroke pause runs the bridge's
// KQL parser (POST /hunting/check, no quota spent), and Run stays disabled while it reports errors. Results,
// downloads, the quota left, saved queries and the caller's history are on the same page. `?query=` (from a
// detection's root cause) and `?tenant=` prefill the editor.

const SAMPLE = 'DeviceNetworkEvents\n| where Timestamp > ago(1d)\n| take 10';
const CHECK_DELAY_MS = 400;
const MAX_QUERY = 30_000;
/** The minute window moves on by itself: refresh the quota now and then. */
const QUOTA_REFRESH_MS = 30_000;

function DiagnosticList({ diagnostics }: { diagnostics: HuntingDiagnostic[] }) {
  if (diagnostics.length === 0) return null;
  return (
    <ul className="diagnostics" aria-label="Query problems">
      {diagnostics.map((d, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: diagnostics may repeat; their order is their identity.
        <li key={index} className={`diagnostic diagnostic-${d.severity}`}>
          <code className="diagnostic-at">
            {d.line}:{d.column}
          </code>
          <span className="diagnostic-severity">{d.severity === 'error' ? 'Error' : 'Warning'}</span>
          <span className="diagnostic-message">{d.message}</span>
        </li>
      ))}
    </ul>
  );
}

function retryText(seconds: number | undefined): string {
  if (seconds === undefined) return 'Try again later.';
  const at = new Date(Date.now() + seconds * 1000).toLocaleTimeString();
  return `Try again in ${formatNumber(Math.ceil(seconds))} s (after ${at}).`;
}

/** A run's failure in words the analyst can act on; the parser's diagnostics are listed under the editor. */
function RunError({ error }: { error: Error }) {
  if (!(error instanceof HuntingError)) return <ErrorMessage error={error} />;
  if (error.code === 'invalid_query') {
    return (
      <div className="notice notice-error" role="alert">
        <span>
          <span className="strong">
            The query was refused by the KQL parser; nothing was sent to Defender.
          </span>{' '}
          {error.diagnostics.length === 0 && error.message}
        </span>
      </div>
    );
  }
  if (error.code === 'hunting_unavailable') {
    return (
      <div className="notice notice-warning" role="alert">
        <span>
          <span className="strong">Hunting is not available for this tenant.</span> {error.message}
        </span>
      </div>
    );
  }
  if (error.code === 'hunting_quota') {
    return (
      <div className="notice notice-warning" role="alert">
        <span>
          <span className="strong">The hunting quota is used up.</span> {error.message}{' '}
          {retryText(error.retryAfterSeconds)}
        </span>
      </div>
    );
  }
  if (error.code === 'defender_error') {
    return (
      <div className="notice notice-error" role="alert">
        <span>
          <span className="strong">Defender refused the query.</span> {error.message}
        </span>
      </div>
    );
  }
  return <ErrorMessage error={error} />;
}

export function HuntingPage() {
  const { search } = useLocation();
  const { me } = useSession();
  const csrf = me?.csrfToken ?? null;
  const tenants = useTenantOptions();
  const linkedQuery = search.get('query');
  const [query, setQuery] = useState(linkedQuery ?? SAMPLE);
  const [chosenTenant, setChosenTenant] = useState(search.get('tenant') ?? '');
  const tenant = chosenTenant || tenants[0]?.value || '';
  const [check, setCheck] = useState<{ text: string; result: HuntingCheck } | null>(null);
  const [checkError, setCheckError] = useState<Error | null>(null);
  const [result, setResult] = useState<HuntingResult | null>(null);
  const [runError, setRunError] = useState<Error | null>(null);
  const [running, setRunning] = useState(false);
  const [loadedId, setLoadedId] = useState<string | null>(null);
  const [historyKey, setHistoryKey] = useState(0);
  const editorId = useId();
  const editor = useRef<HTMLTextAreaElement>(null);

  // A link from a root cause while this page is open replaces the editor's text.
  useEffect(() => {
    if (linkedQuery !== null) setQuery(linkedQuery);
  }, [linkedQuery]);

  const quota = useApi(
    () =>
      tenant ? api.get<HuntingQuota>('/hunting/quota', { tenantId: tenant }) : Promise.resolve(undefined),
    `hunting-quota-${tenant}-${historyKey}`,
    QUOTA_REFRESH_MS,
  );

  // The live check: the parser runs once typing pauses; a late answer for older text is dropped.
  useEffect(() => {
    const text = query;
    if (!text.trim() || text.length > MAX_QUERY) {
      setCheck(null);
      return;
    }
    let current = true;
    const timer = window.setTimeout(() => {
      api.post<HuntingCheck>('/hunting/check', { query: text }).then(
        (answer) => {
          if (!current) return;
          setCheck({ text, result: answer });
          setCheckError(null);
        },
        (failure: unknown) => {
          if (!current) return;
          setCheckError(failure as Error);
        },
      );
    }, CHECK_DELAY_MS);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [query]);

  const checkedNow = check?.text === query ? check.result : null;
  const diagnostics =
    checkedNow?.diagnostics ??
    (runError instanceof HuntingError && runError.code === 'invalid_query' ? runError.diagnostics : []);
  const hasErrors = diagnostics.some((d) => d.severity === 'error') || checkedNow?.ok === false;
  const tooLong = query.length > MAX_QUERY;
  const empty = !query.trim();
  // The ledger knows the tenant's licence has no hunting: say so here instead of spending a request on a 422.
  const unavailable = quota.data?.available === false;
  const canRun = !running && !empty && !tooLong && !hasErrors && !unavailable;
  const body = { query, ...(tenant ? { tenantId: tenant } : {}) };

  const run = async () => {
    if (!canRun) return;
    setRunning(true);
    setRunError(null);
    try {
      setResult(await runHuntingQuery(body, csrf));
    } catch (failure) {
      setRunError(failure as Error);
    } finally {
      setRunning(false);
      setHistoryKey((n) => n + 1);
    }
  };

  const downloadCsv = () => {
    if (!result) return;
    saveBlob(huntingResultCsv(result), `hunting-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`);
  };

  const downloadJson = () => {
    if (!result) return;
    const text = JSON.stringify(result, null, 2);
    saveBlob(
      new Blob([text], { type: 'application/json' }),
      `hunting-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
    );
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
      event.preventDefault();
      void run();
    }
  };

  const load = (text: string) => {
    setQuery(text);
    setRunError(null);
    editor.current?.focus();
  };

  // The parser's refusal is shown as its diagnostics; other 400s on the query (empty, too long) under the editor.
  const fieldError =
    runError instanceof HuntingError && runError.field === 'body.query' && runError.code !== 'invalid_query'
      ? runError.message
      : undefined;

  return (
    <>
      <PageHeader
        title="Advanced hunting"
        subtitle="KQL over Defender's device telemetry, checked before it runs"
      />
      <div className="hunting-layout">
        <div className="stack hunting-main">
          <section className="card" aria-label="Query editor">
            <div className="hunting-toolbar">
              <div className="field field-inline">
                <label htmlFor={`${editorId}-tenant`}>Tenant</label>
                <select
                  id={`${editorId}-tenant`}
                  value={tenant}
                  onChange={(event) => {
                    setChosenTenant(event.target.value);
                    setResult(null);
                    setRunError(null);
                  }}
                >
                  {tenants.length === 0 && <option value="">No tenants</option>}
                  {tenants.map((option) => (
                    <option key={option.value} value={option.value}>
                      {option.label}
                    </option>
                  ))}
                </select>
              </div>
              <span className="muted small hunting-check-state" role="status">
                {empty
                  ? 'Write a query'
                  : tooLong
                    ? `The query is over ${formatNumber(MAX_QUERY)} characters`
                    : checkError
                      ? 'The query could not be checked'
                      : !checkedNow
                        ? 'Checking…'
                        : hasErrors
                          ? 'The query has errors'
                          : 'Query looks valid'}
              </span>
            </div>
            <div className={`field ${fieldError || hasErrors ? 'field-invalid' : ''}`}>
              <label htmlFor={editorId}>Query</label>
              <textarea
                id={editorId}
                ref={editor}
                className="kql-editor"
                spellCheck={false}
                autoCapitalize="off"
                autoComplete="off"
                rows={10}
                value={query}
                onChange={(event) => setQuery(event.target.value)}
                onKeyDown={onKeyDown}
                aria-describedby={`${editorId}-hint`}
                aria-invalid={hasErrors || undefined}
              />
              <div id={`${editorId}-hint`} className="field-hint">
                Ctrl+Enter runs the query · {formatNumber(query.length)} / {formatNumber(MAX_QUERY)}{' '}
                characters
              </div>
              {fieldError && (
                <div className="field-error" role="alert">
                  {fieldError}
                </div>
              )}
            </div>
            <DiagnosticList diagnostics={diagnostics} />
            {checkError && <ErrorMessage error={checkError} />}
            {unavailable && (
              <div className="notice notice-warning" role="status">
                <span>
                  <span className="strong">Hunting is unavailable for this tenant.</span>{' '}
                  {quota.data?.reason ?? 'Its licence does not include advanced hunting.'}
                </span>
              </div>
            )}
            <div className="button-row">
              <button
                type="button"
                className="button button-primary"
                disabled={!canRun}
                onClick={() => void run()}
              >
                {running ? 'Running…' : 'Run query'}
              </button>
              <button type="button" className="button" disabled={!result} onClick={downloadCsv}>
                Download CSV
              </button>
              <button type="button" className="button" disabled={!result} onClick={downloadJson}>
                Download JSON
              </button>
            </div>
          </section>
          {runError && <RunError error={runError} />}
          {result && (
            <section className="card card-flush" aria-labelledby="hunting-results-title">
              <div className="hunting-result-head">
                <h2 id="hunting-results-title">Results</h2>
                <span className="muted" data-testid="hunting-result-meta">
                  {formatNumber(result.rowCount)} {result.rowCount === 1 ? 'row' : 'rows'}
                  {result.executionSeconds !== null &&
                    ` · executed in ${result.executionSeconds.toLocaleString(undefined, { maximumFractionDigits: 3 })} s`}
                  {` · via ${result.api === 'graph' ? 'Microsoft Graph runHuntingQuery' : 'the Defender API'}`}
                </span>
              </div>
              <HuntingResults result={result} />
            </section>
          )}
        </div>
        <aside className="stack hunting-side" aria-label="Quota, saved queries and history">
          <HuntingQuotaPanel quota={quota.data ?? undefined} error={quota.error} onRetry={quota.reload} />
          <SavedQueries
            query={query}
            loadedId={loadedId}
            onLoad={(saved) => {
              setLoadedId(saved?.id ?? null);
              if (saved) load(saved.query);
            }}
          />
          <HuntingHistory refreshKey={historyKey} onLoad={load} />
        </aside>
      </div>
    </>
  );
}
