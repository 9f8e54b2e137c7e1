import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../../api/client.js';
import {
  type ListPage,
  type Webhook,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type WebhookEventType,
  WebhookEventTypes,
} from '../../api/types.js';
import { useApi } from '../../api/use-api.js';
import { Badge, type Tone } from '../../components/badge.js';
import { CheckboxField, Field } from '../../components/field.js';
import { PageHeader } from '../../components/page-header.js';
import { Pager } from '../../components/pager.js';
import { EmptyState, ErrorMessage, Loading, Notice } from '../../components/status.js';
import { formatRelative, formatTime } from '../../format.js';
import { useSession } from '../../session.js';

const eventLabels: Record<WebhookEventType, string> = {
  'risk.changed': 'Risk level changed',
  'isolation.changed': 'Isolation state changed',
  'device.added': 'Device added',
  'device.removed': 'Device removed',
  'alert.raised': 'Alert raised',
  'alert.updated': 'Alert updated',
};

const statusTone: Record<WebhookDeliveryStatus, Tone> = {
  delivered: 'ok',
  pending: 'progress',
  failed: 'high',
};

function StatusBadge({ status }: { status: WebhookDeliveryStatus }) {
  return <Badge tone={statusTone[status]} label={status[0].toUpperCase() + status.slice(1)} />;
}

interface FormState {
  url: string;
  events: WebhookEventType[];
  secret: string;
  enabled: boolean;
  description: string;
}

const emptyForm: FormState = { url: '', events: [], secret: '', enabled: true, description: '' };

/** Add or edit a subscription. On edit the secret field stays empty: the stored one is kept unless replaced. */
function WebhookForm({
  editing,
  onSaved,
  onCancel,
}: {
  editing: Webhook | null;
  onSaved: (webhook: Webhook) => void;
  onCancel: () => void;
}) {
  const [form, setForm] = useState<FormState>(
    editing
      ? {
          url: editing.url,
          events: editing.events,
          secret: '',
          enabled: editing.enabled,
          description: editing.description ?? '',
        }
      : emptyForm,
  );
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const fieldError = (name: string) =>
    error instanceof ApiError && error.field === `body.${name}` ? error.message : undefined;
  const insecure = form.url.trim().toLowerCase().startsWith('http://');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body = {
      url: form.url.trim(),
      events: form.events,
      enabled: form.enabled,
      description: form.description.trim() || null,
      ...(form.secret ? { secret: form.secret } : {}),
    };
    try {
      const saved = editing
        ? await api.patch<Webhook>(`/webhooks/${encodeURIComponent(editing.id)}`, body)
        : await api.post<Webhook>('/webhooks', body);
      onSaved(saved);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  const toggle = (type: WebhookEventType, on: boolean) =>
    set('events', on ? [...form.events, type] : form.events.filter((t) => t !== type));

  return (
    <form className="card form" onSubmit={submit} aria-label={editing ? 'Edit webhook' : 'Add webhook'}>
      <h2>{editing ? 'Edit webhook' : 'Add webhook'}</h2>
      {error && !(error instanceof ApiError && error.field) && <ErrorMessage error={error} />}
      <div className="form-grid">
        <Field
          label="URL"
          htmlFor="webhook-url"
          error={fieldError('url')}
          hint={
            insecure ? (
              <span className="notice notice-warning">
                Plain http: events and their signatures travel unencrypted. Use https where the receiver can.
              </span>
            ) : (
              'Where events are POSTed as JSON (https recommended).'
            )
          }
        >
          <input
            id="webhook-url"
            type="url"
            value={form.url}
            autoComplete="off"
            placeholder="https://receiver.example.com/mde-bridge"
            onChange={(e) => set('url', e.target.value)}
          />
        </Field>
        <Field
          label="Secret"
          htmlFor="webhook-secret"
          error={fieldError('secret')}
          hint={
            editing
              ? 'Stored — leave empty to keep it.'
              : 'At least 8 characters. Each body is signed with it (x-mde-bridge-signature: sha256=…).'
          }
        >
          <input
            id="webhook-secret"
            type="password"
            value={form.secret}
            autoComplete="new-password"
            placeholder={editing ? 'Stored — leave empty to keep' : ''}
            onChange={(e) => set('secret', e.target.value)}
          />
        </Field>
        <Field label="Description" htmlFor="webhook-description" error={fieldError('description')}>
          <input
            id="webhook-description"
            value={form.description}
            autoComplete="off"
            onChange={(e) => set('description', e.target.value)}
          />
        </Field>
      </div>
      <fieldset className="field">
        <legend>Events</legend>
        {WebhookEventTypes.map((type) => (
          <CheckboxField
            key={type}
            id={`webhook-event-${type}`}
            label={
              <>
                {eventLabels[type]} <code className="muted small">{type}</code>
              </>
            }
            checked={form.events.includes(type)}
            onChange={(v) => toggle(type, v)}
          />
        ))}
        {fieldError('events') && (
          <div className="field-error" role="alert">
            {fieldError('events')}
          </div>
        )}
      </fieldset>
      <CheckboxField
        id="webhook-enabled"
        label="Enabled"
        checked={form.enabled}
        onChange={(v) => set('enabled', v)}
        hint="A disabled webhook receives nothing; switched back on, it gets the events from then on."
      />
      <div className="form-buttons">
        <button
          type="submit"
          className="button button-primary"
          disabled={busy || !form.url.trim() || form.events.length === 0 || (!editing && !form.secret)}
        >
          {editing ? 'Save' : 'Add webhook'}
        </button>
        <button type="button" className="button button-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** One webhook's attempts, newest first; polled so a test delivery shows up without a reload. */
function DeliveryLog({ webhook }: { webhook: Webhook }) {
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const log = useApi(
    () =>
      api.get<ListPage<WebhookDelivery>>(`/webhooks/${encodeURIComponent(webhook.id)}/deliveries`, {
        page,
        pageSize,
      }),
    `webhook-deliveries:${webhook.id}:${page}:${pageSize}`,
    5000,
  );
  return (
    <section className="card card-flush" aria-label={`Deliveries of ${webhook.url}`}>
      <h2 className="card-title">
        Delivery log <span className="muted small">{webhook.url}</span>
      </h2>
      {log.error && <ErrorMessage error={log.error} onRetry={log.reload} />}
      {!log.data && !log.error && <Loading />}
      {log.data &&
        (log.data.items.length === 0 ? (
          <EmptyState title="No deliveries yet.">
            Events are sent as they happen; "Send test" sends a ping.
          </EmptyState>
        ) : (
          <>
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Delivery attempts</caption>
                <thead>
                  <tr>
                    <th scope="col">At</th>
                    <th scope="col">Event</th>
                    <th scope="col">Attempt</th>
                    <th scope="col">Status</th>
                    <th scope="col">Response</th>
                    <th scope="col">Error</th>
                    <th scope="col">Next attempt</th>
                  </tr>
                </thead>
                <tbody>
                  {log.data.items.map((d) => (
                    <tr key={d.id}>
                      <td>{formatTime(d.at)}</td>
                      <td>
                        <code>{d.eventType}</code> <span className="muted small">#{d.eventId}</span>
                      </td>
                      <td>{d.attempt}</td>
                      <td>
                        <StatusBadge status={d.status} />
                      </td>
                      <td>{d.responseStatus ?? '—'}</td>
                      <td className="small">{d.error ?? ''}</td>
                      <td>{d.nextAttemptAt ? formatTime(d.nextAttemptAt) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager
              page={page}
              pageSize={pageSize}
              total={log.data.total}
              onPage={setPage}
              onPageSize={(size) => {
                setPageSize(size);
                setPage(1);
              }}
            />
          </>
        ))}
    </section>
  );
}

/** Webhook subscriptions and their delivery log. */
export function WebhooksPage() {
  const { can } = useSession();
  const edit = can('config.edit');
  const hooks = useApi(() => api.get<{ items: Webhook[] }>('/webhooks'), 'webhooks', 10_000);
  const [form, setForm] = useState<{ editing: Webhook | null } | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [message, setMessage] = useState<{ text: string; ok: boolean } | null>(null);

  const run = async (work: () => Promise<unknown>, done: string) => {
    setMessage(null);
    try {
      await work();
      setMessage({ text: done, ok: true });
      hooks.reload();
    } catch (error) {
      setMessage({ text: (error as Error).message, ok: false });
    }
  };
  const sendTest = (hook: Webhook) => {
    setSelected(hook.id);
    return run(
      () => api.post(`/webhooks/${encodeURIComponent(hook.id)}/test`),
      'Test event queued: watch the delivery log below.',
    );
  };
  const remove = (hook: Webhook) => {
    if (!window.confirm(`Delete the webhook to ${hook.url}? Its delivery log goes with it.`)) return;
    if (selected === hook.id) setSelected(null);
    return run(() => api.delete(`/webhooks/${encodeURIComponent(hook.id)}`), 'Webhook deleted.');
  };
  const shown = hooks.data?.items.find((h) => h.id === selected) ?? null;

  return (
    <>
      <PageHeader
        title="Webhooks"
        subtitle="Signed HTTP notifications when risk, isolation, devices or alerts change"
      />
      {message && <Notice tone={message.ok ? 'success' : 'error'}>{message.text}</Notice>}
      {edit && !form && (
        <div className="form-buttons">
          <button type="button" className="button button-primary" onClick={() => setForm({ editing: null })}>
            Add webhook
          </button>
        </div>
      )}
      {edit && form && (
        <WebhookForm
          key={form.editing?.id ?? 'new'}
          editing={form.editing}
          onCancel={() => setForm(null)}
          onSaved={(saved) => {
            setForm(null);
            setMessage({ text: `Webhook to ${saved.url} saved.`, ok: true });
            hooks.reload();
          }}
        />
      )}
      <section className="card card-flush">
        <h2 className="card-title">Subscriptions</h2>
        {hooks.error && <ErrorMessage error={hooks.error} onRetry={hooks.reload} />}
        {!hooks.data && !hooks.error && <Loading />}
        {hooks.data &&
          (hooks.data.items.length === 0 ? (
            <EmptyState title="No webhooks yet.">
              {edit ? 'Add one to have events POSTed to a receiver.' : 'An administrator can add one.'}
            </EmptyState>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Webhook subscriptions</caption>
                <thead>
                  <tr>
                    <th scope="col">URL</th>
                    <th scope="col">Events</th>
                    <th scope="col">State</th>
                    <th scope="col">Last delivery</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {hooks.data.items.map((hook) => (
                    <tr key={hook.id}>
                      <td>
                        <span className="mono">{hook.url}</span>
                        {hook.description && <div className="muted small">{hook.description}</div>}
                      </td>
                      <td className="small">{hook.events.map((t) => eventLabels[t] ?? t).join(', ')}</td>
                      <td>
                        <Badge value={hook.enabled ? 'enabled' : 'disabled'} />
                      </td>
                      <td>
                        {hook.lastDelivery ? (
                          <>
                            <StatusBadge status={hook.lastDelivery.status} />{' '}
                            <span className="muted small">
                              {hook.lastDelivery.eventType} · {formatRelative(hook.lastDelivery.at)}
                            </span>
                          </>
                        ) : (
                          <span className="muted">Never</span>
                        )}
                      </td>
                      <td className="actions">
                        <button
                          type="button"
                          className="button button-small"
                          onClick={() => setSelected(hook.id)}
                        >
                          Delivery log
                        </button>
                        {edit && (
                          <>
                            <button
                              type="button"
                              className="button button-small"
                              disabled={!hook.enabled}
                              title={hook.enabled ? undefined : 'Enable the webhook to send a test'}
                              onClick={() => sendTest(hook)}
                            >
                              Send test
                            </button>
                            <button
                              type="button"
                              className="button button-small"
                              onClick={() => setForm({ editing: hook })}
                            >
                              Edit
                            </button>
                            <button
                              type="button"
                              className="button button-small button-danger"
                              onClick={() => remove(hook)}
                            >
                              Delete
                            </button>
                          </>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
      </section>
      {shown && <DeliveryLog key={shown.id} webhook={shown} />}
    </>
  );
}
