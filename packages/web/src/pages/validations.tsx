import { type FormEvent, useId, useState } from 'react';
import { ApiError, api, apiUrl } from '../api/client.js';
import type { Validation, ValidationInput } from '../api/types-hunting.js';
import type { Column } from '../components/data-table.js';
import { Field } from '../components/field.js';
import { useListState } from '../components/list-state.js';
import { ListView } from '../components/list-view.js';
import { PageHeader } from '../components/page-header.js';
import { EmptyState, ErrorMessage } from '../components/status.js';
import { useTenantOptions } from '../components/tenant-options.js';
import { formatLatency, ValidationStateBadge } from '../components/validation-state.js';
import { formatRelative, formatTime } from '../format.js';
import { Link, navigate } from '../router.js';

// Detection validation runs (C13): did Defender alert on a simulated attack from an actor host in a time window?
// The list of runs with their outcome, exports, and the form that starts a new run.

const columns: Column<Validation>[] = [
  { key: 'state', header: 'Result', render: (v) => <ValidationStateBadge state={v.state} /> },
  {
    key: 'host',
    header: 'Host',
    render: (v) => (
      <Link
        href={`/validations/${encodeURIComponent(v.id)}`}
        className="strong"
        onClick={(e) => e.stopPropagation()}
      >
        {v.host}
      </Link>
    ),
  },
  {
    key: 'window',
    header: 'Activity window',
    className: 'nowrap',
    render: (v) => (
      <span title={`${v.start} – ${v.end}`}>
        {formatTime(v.start)} – {formatTime(v.end)}
      </span>
    ),
  },
  { key: 'latency', header: 'Latency', render: (v) => formatLatency(v.latencySeconds) },
  { key: 'alerts', header: 'Alerts', render: (v) => v.alerts.length.toLocaleString() },
  {
    key: 'techniques',
    header: 'Techniques seen',
    render: (v) =>
      v.expectedTechniques.length
        ? `${v.techniques.seen.filter((t) => v.expectedTechniques.includes(t)).length} of ${v.expectedTechniques.length}`
        : v.techniques.seen.length
          ? v.techniques.seen.join(', ')
          : '—',
  },
  {
    key: 'created',
    header: 'Started',
    render: (v) => <span title={formatTime(v.createdAt)}>{formatRelative(v.createdAt)}</span>,
  },
];

/** `datetime-local` text (the browser's local time) → ISO UTC, or '' when empty or invalid. */
function toIso(local: string): string {
  if (!local) return '';
  const time = new Date(local).getTime();
  return Number.isNaN(time) ? '' : new Date(time).toISOString();
}

function localNow(offsetMs = 0): string {
  const time = Date.now() + offsetMs;
  return new Date(time - new Date(time).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

const split = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((part) => part.trim())
    .filter(Boolean);

const graces = ['0m', '5m', '10m', '15m', '30m', '1h', '2h', '6h', '12h', '24h'];

function NewValidationForm({ onCancel }: { onCancel: () => void }) {
  const id = useId();
  const tenants = useTenantOptions();
  const [form, setForm] = useState({
    tenantId: '',
    host: '',
    alternates: '',
    start: localNow(-60 * 60_000),
    end: localNow(),
    grace: '10m',
    techniques: '',
  });
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof form, value: string) => setForm((f) => ({ ...f, [key]: value }));
  const fieldError = (name: string) =>
    error instanceof ApiError &&
    error.field &&
    (error.field === `body.${name}` || error.field.startsWith(`body.${name}.`))
      ? error.message
      : undefined;
  const known = ['host', 'alternateHostnames', 'start', 'end', 'grace', 'expectedTechniques', 'tenantId'];
  const unplaced = error && !(error instanceof ApiError && known.some((name) => fieldError(name)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body: ValidationInput = {
      host: form.host.trim(),
      start: toIso(form.start),
      end: toIso(form.end),
      grace: form.grace,
      ...(form.alternates.trim() ? { alternateHostnames: split(form.alternates) } : {}),
      ...(form.techniques.trim() ? { expectedTechniques: split(form.techniques) } : {}),
      ...(form.tenantId ? { tenantId: form.tenantId } : {}),
    };
    try {
      const created = await api.post<Validation>('/validations', body);
      navigate(`/validations/${encodeURIComponent(created.id)}`);
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  };

  const utc = (local: string) => {
    const iso = toIso(local);
    return iso ? `UTC ${iso.slice(0, 16).replace('T', ' ')}` : 'Pick a date and time';
  };

  return (
    <form className="card form" onSubmit={submit} aria-label="New validation">
      <h2>New validation</h2>
      {unplaced && <ErrorMessage error={error} />}
      <div className="form-grid">
        <Field
          label="Actor host"
          htmlFor={`${id}-host`}
          error={fieldError('host')}
          hint="The device the simulated attack ran on, as Defender names it"
        >
          <input
            id={`${id}-host`}
            value={form.host}
            required
            onChange={(event) => set('host', event.target.value)}
          />
        </Field>
        <Field
          label="Alternate hostnames"
          htmlFor={`${id}-alternates`}
          error={fieldError('alternateHostnames')}
          hint="Other names the host goes by, separated by commas (up to 20)"
        >
          <input
            id={`${id}-alternates`}
            value={form.alternates}
            onChange={(event) => set('alternates', event.target.value)}
          />
        </Field>
        <Field
          label="Activity start"
          htmlFor={`${id}-start`}
          error={fieldError('start')}
          hint={utc(form.start)}
        >
          <input
            id={`${id}-start`}
            type="datetime-local"
            value={form.start}
            required
            onChange={(event) => set('start', event.target.value)}
          />
        </Field>
        <Field label="Activity end" htmlFor={`${id}-end`} error={fieldError('end')} hint={utc(form.end)}>
          <input
            id={`${id}-end`}
            type="datetime-local"
            value={form.end}
            required
            onChange={(event) => set('end', event.target.value)}
          />
        </Field>
        <Field
          label="Grace period"
          htmlFor={`${id}-grace`}
          error={fieldError('grace')}
          hint="How long after the end to keep waiting for alerts"
        >
          <select
            id={`${id}-grace`}
            value={form.grace}
            onChange={(event) => set('grace', event.target.value)}
          >
            {graces.map((grace) => (
              <option key={grace} value={grace}>
                {grace}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Expected techniques"
          htmlFor={`${id}-techniques`}
          error={fieldError('expectedTechniques')}
          hint="MITRE ATT&CK IDs like T1059 or T1059.001, separated by commas (optional)"
        >
          <input
            id={`${id}-techniques`}
            value={form.techniques}
            onChange={(event) => set('techniques', event.target.value)}
          />
        </Field>
        {tenants.length > 1 && (
          <Field
            label="Tenant"
            htmlFor={`${id}-tenant`}
            error={fieldError('tenantId')}
            hint="Any: the tenant that knows the host"
          >
            <select
              id={`${id}-tenant`}
              value={form.tenantId}
              onChange={(event) => set('tenantId', event.target.value)}
            >
              <option value="">Any</option>
              {tenants.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </Field>
        )}
      </div>
      <div className="form-buttons">
        <button type="submit" className="button button-primary" disabled={busy || !form.host.trim()}>
          {busy ? 'Starting…' : 'Start validation'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function ValidationsPage() {
  const list = useListState([]);
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader
        title="Validations"
        subtitle="Did Defender alert on a simulated attack? One run per actor host and activity window"
        actions={
          <>
            <a className="button" href={apiUrl('/validations', { format: 'csv' })} download>
              Export CSV
            </a>
            <a className="button" href={apiUrl('/validations', { format: 'json' })} download>
              Export JSON
            </a>
            {!creating && (
              <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
                New validation
              </button>
            )}
          </>
        }
      />
      <div className="stack">
        {creating && <NewValidationForm onCancel={() => setCreating(false)} />}
        <ListView<Validation>
          caption="Validations"
          path="/validations"
          state={list}
          columns={columns}
          rowKey={(v) => v.id}
          sortable={false}
          onRowClick={(v) => navigate(`/validations/${encodeURIComponent(v.id)}`)}
          empty={
            <EmptyState title="No validations yet.">
              Start one with “New validation”: name the host a simulated attack ran on and when it ran.
            </EmptyState>
          }
        />
      </div>
    </>
  );
}
