import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api } from '../../api/client.js';
import {
  type Resource,
  resources,
  type Tenant,
  type TenantInput,
  type TestConnectionResult,
} from '../../api/types.js';
import { useApi } from '../../api/use-api.js';
import { Badge } from '../../components/badge.js';
import { CheckboxField, Field } from '../../components/field.js';
import { PageHeader } from '../../components/page-header.js';
import { ErrorMessage, Loading, Notice } from '../../components/status.js';
import { SyncStatusTables } from '../../components/sync-status.js';
import { humanize, isValidSchedule } from '../../format.js';
import { Link, navigate } from '../../router.js';
import { useSession } from '../../session.js';
import { clouds } from './clouds.js';
import { DeleteTenantButton, EnableToggleButton, SyncNowButton } from './tenant-controls.js';
import { TestConnectionReport } from './test-connection-result.js';

// Defaults of packages/service/src/jobs/schedule-settings.ts, shown as placeholders.
const defaultSchedules: Record<Resource, string> = {
  machines: '1h',
  alerts: '1m',
  actions: '1m',
  vulnerabilities: '4h',
  software: '1d',
  scores: '1h',
  health: '4h',
};

interface FormState {
  name: string;
  tenantId: string;
  clientId: string;
  credentialKind: 'secret' | 'certificate';
  clientSecret: string;
  certificatePem: string;
  privateKeyPem: string;
  cloud: string;
  apiUrl: string;
  loginUrl: string;
  graphUrl: string;
  proxy: string;
  enabled: boolean;
  schedules: Record<Resource, string>;
}

function fromTenant(tenant?: Tenant): FormState {
  const schedules = Object.fromEntries(
    resources.map((r) => [r, tenant?.settings.schedules?.[r] ?? '']),
  ) as Record<Resource, string>;
  return {
    name: tenant?.name ?? '',
    tenantId: tenant?.tenantId ?? '',
    clientId: tenant?.clientId ?? '',
    credentialKind: tenant?.credentialKind ?? 'secret',
    clientSecret: '',
    certificatePem: '',
    privateKeyPem: '',
    cloud: tenant?.cloud ?? 'commercial',
    apiUrl: tenant?.apiUrl ?? '',
    loginUrl: tenant?.loginUrl ?? '',
    graphUrl: tenant?.graphUrl ?? '',
    proxy: tenant?.proxy ?? '',
    enabled: tenant?.enabled ?? true,
    schedules,
  };
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const orNull = (value: string) => (value.trim() === '' ? null : value.trim());

/** The TenantInput for the form; a credential only when one was typed (omitted = keep the stored one). */
function toInput(form: FormState, tenant?: Tenant): TenantInput {
  const schedules = Object.fromEntries(
    resources.filter((r) => form.schedules[r].trim() !== '').map((r) => [r, form.schedules[r].trim()]),
  );
  const { schedules: _old, ...otherSettings } = tenant?.settings ?? {};
  const input: TenantInput = {
    name: form.name.trim(),
    tenantId: form.tenantId.trim(),
    clientId: form.clientId.trim(),
    cloud: form.cloud,
    apiUrl: orNull(form.apiUrl),
    loginUrl: orNull(form.loginUrl),
    graphUrl: orNull(form.graphUrl),
    proxy: orNull(form.proxy),
    enabled: form.enabled,
    settings: Object.keys(schedules).length ? { ...otherSettings, schedules } : otherSettings,
  };
  if (form.credentialKind === 'secret' && form.clientSecret) input.clientSecret = form.clientSecret;
  if (form.credentialKind === 'certificate' && form.certificatePem.trim()) {
    input.certificatePem = form.certificatePem.trim();
    if (form.privateKeyPem.trim()) input.privateKeyPem = form.privateKeyPem.trim();
  }
  return input;
}

const hasCredential = (input: TenantInput) => Boolean(input.clientSecret || input.certificatePem);

/** `body.settings.schedules.machines` → `schedules.machines`; `body.clientSecret` → `clientSecret`. */
function fieldKey(field: string | undefined): string | null {
  if (!field) return null;
  return field.replace(/^body\./, '').replace(/^settings\./, '');
}

// Shown once on the tenant's page after a create navigated there.
let flash: string | null = null;

export function TenantFormPage({ id }: { id?: string }) {
  const tenant = useApi(
    () => (id ? api.get<Tenant>(`/tenants/${encodeURIComponent(id)}`) : Promise.resolve(undefined)),
    `tenant:${id ?? 'new'}`,
  );
  if (tenant.error) {
    return (
      <>
        <PageHeader title="Tenant" subtitle={<Link href="/settings/tenants">Back to tenants</Link>} />
        <ErrorMessage error={tenant.error} onRetry={tenant.reload} />
      </>
    );
  }
  if (id && !tenant.data) return <Loading />;
  return <TenantForm tenant={tenant.data} onChanged={tenant.reload} />;
}

function TenantForm({ tenant, onChanged }: { tenant?: Tenant; onChanged: () => void }) {
  const { can } = useSession();
  const editable = can('config.edit');
  const initial = fromTenant(tenant);
  const [form, setForm] = useState<FormState>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ text: string; ok: boolean } | null>(() =>
    flash ? { text: flash, ok: true } : null,
  );
  useEffect(() => {
    flash = null;
  }, []);
  const [result, setResult] = useState<TestConnectionResult | null>(null);
  const [busy, setBusy] = useState<'test' | 'save' | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when another tenant version arrives.
  useEffect(() => setForm(fromTenant(tenant)), [tenant?.updatedAt]);

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setForm((current) => ({ ...current, [key]: value }));
    setErrors((current) => {
      const { [key]: _, ...rest } = current;
      return rest;
    });
  };
  const dirty = JSON.stringify(form) !== JSON.stringify(initial);

  const localErrors = (): Record<string, string> => {
    const found: Record<string, string> = {};
    if (!form.name.trim()) found.name = 'Give the tenant a name.';
    if (!guid.test(form.tenantId.trim())) found.tenantId = 'Enter the directory (tenant) ID, a GUID.';
    if (!guid.test(form.clientId.trim())) found.clientId = 'Enter the application (client) ID, a GUID.';
    const needsCredential = !tenant || tenant.credentialKind !== form.credentialKind;
    if (needsCredential && form.credentialKind === 'secret' && !form.clientSecret) {
      found.clientSecret = 'Enter the client secret.';
    }
    if (needsCredential && form.credentialKind === 'certificate' && !form.certificatePem.trim()) {
      found.certificatePem = 'Paste the certificate (PEM).';
    }
    if (form.cloud === 'custom' && (!form.apiUrl.trim() || !form.loginUrl.trim())) {
      found.apiUrl = 'A custom cloud needs the API URL and the login URL.';
    }
    for (const r of resources) {
      if (!isValidSchedule(form.schedules[r])) {
        found[`schedules.${r}`] = 'Use a duration like 30s, 5m, 1h or 1d, or "off".';
      }
    }
    return found;
  };

  const showFailure = (error: unknown) => {
    if (error instanceof ApiError && error.code === 'invalid_request') {
      const key = fieldKey(error.field);
      if (key && key in form) {
        setErrors({ [key]: error.message });
        setMessage({ text: 'Check the highlighted field.', ok: false });
        return;
      }
      if (key?.startsWith('schedules.')) {
        setErrors({ [key]: error.message });
        setMessage({ text: 'Check the sync schedules under Advanced.', ok: false });
        return;
      }
    }
    setMessage({ text: (error as Error).message, ok: false });
  };

  const testConnection = async () => {
    setMessage(null);
    setResult(null);
    const input = toInput(form, tenant);
    // A stored tenant whose form is untouched is tested with its stored credential; changed settings are tested
    // as typed, which needs the credential typed too (the API never hands a stored secret back).
    if (tenant && !hasCredential(input) && dirty) {
      setMessage({
        text: 'To test changed settings, enter the client secret or certificate again (Save also tests them).',
        ok: false,
      });
      return;
    }
    setBusy('test');
    try {
      const answer =
        tenant && !dirty
          ? await api.post<TestConnectionResult>(`/tenants/${encodeURIComponent(tenant.id)}/test-connection`)
          : await api.post<TestConnectionResult>('/tenants/test-connection', input);
      setResult(answer);
    } catch (error) {
      showFailure(error);
    } finally {
      setBusy(null);
    }
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    const found = localErrors();
    setErrors(found);
    if (Object.keys(found).length) {
      setMessage({ text: 'Check the highlighted fields.', ok: false });
      return;
    }
    setBusy('save');
    try {
      const input = toInput(form, tenant);
      const saved = tenant
        ? await api.patch<Tenant>(`/tenants/${encodeURIComponent(tenant.id)}`, input)
        : await api.post<Tenant>('/tenants', input);
      setResult(null);
      if (tenant) {
        setMessage({ text: 'Tenant saved. The credentials were validated.', ok: true });
        onChanged();
      } else {
        flash = 'Tenant saved. The credentials were validated and the first sync starts shortly.';
        navigate(`/settings/tenants/${encodeURIComponent(saved.id)}`, { replace: true });
      }
    } catch (error) {
      if (error instanceof ApiError && error.code === 'connection_failed') {
        setResult(error.testConnection ?? null);
        setMessage({
          text: 'Not saved: these settings did not pass Test Connection, so nothing was stored. See the failed step below.',
          ok: false,
        });
      } else {
        showFailure(error);
      }
    } finally {
      setBusy(null);
    }
  };

  const input = (key: 'name' | 'tenantId' | 'clientId' | 'apiUrl' | 'loginUrl' | 'graphUrl' | 'proxy') => ({
    id: `tenant-${key}`,
    value: form[key],
    disabled: !editable,
    'aria-invalid': errors[key] ? true : undefined,
    onChange: (event: { target: { value: string } }) => set(key, event.target.value),
  });

  const storedHint = (kind: 'secret' | 'certificate') =>
    tenant?.credentialKind === kind ? 'stored — leave empty to keep' : undefined;

  return (
    <>
      <div className="breadcrumbs">
        <Link href="/settings/tenants">Tenants</Link> / {tenant ? tenant.name : 'New tenant'}
      </div>
      <PageHeader
        title={tenant ? tenant.name : 'Add tenant'}
        subtitle={
          tenant ? (
            <span className="badge-row">
              <Badge value={tenant.enabled ? 'enabled' : 'disabled'} />
              {tenant.isDemo && <Badge tone="info" label="Emulated demo tenant" />}
              <span className="muted">{tenant.credential}</span>
            </span>
          ) : (
            'Connect a Microsoft Defender for Endpoint tenant through an Entra ID app registration'
          )
        }
        actions={
          tenant &&
          editable && (
            <div className="button-row">
              <SyncNowButton tenant={tenant} onMessage={(text, ok) => setMessage({ text, ok })} />
              <EnableToggleButton
                tenant={tenant}
                onChanged={onChanged}
                onMessage={(text, ok) => setMessage({ text, ok })}
              />
              <DeleteTenantButton
                tenant={tenant}
                onDeleted={() => navigate('/settings/tenants', { replace: true })}
              />
            </div>
          )
        }
      />
      {message && <Notice tone={message.ok ? 'success' : 'error'}>{message.text}</Notice>}

      <form className="card form" onSubmit={save} noValidate>
        <h2>Integration</h2>
        <div className="form-grid">
          <Field
            label="Name"
            htmlFor="tenant-name"
            error={errors.name}
            hint="How this tenant is named in mde-bridge."
          >
            <input {...input('name')} autoComplete="off" />
          </Field>
          <Field label="Directory (tenant) ID" htmlFor="tenant-tenantId" error={errors.tenantId}>
            <input
              {...input('tenantId')}
              autoComplete="off"
              placeholder="00000000-0000-0000-0000-000000000000"
            />
          </Field>
          <Field
            label="Application (client) ID"
            htmlFor="tenant-clientId"
            error={errors.clientId}
            hint="From the app registration's overview in Entra ID."
          >
            <input
              {...input('clientId')}
              autoComplete="off"
              placeholder="00000000-0000-0000-0000-000000000000"
            />
          </Field>
          <Field label="Credential type" htmlFor="tenant-credentialKind">
            <select
              id="tenant-credentialKind"
              value={form.credentialKind}
              disabled={!editable}
              onChange={(event) => set('credentialKind', event.target.value as FormState['credentialKind'])}
            >
              <option value="secret">Client secret</option>
              <option value="certificate">Certificate</option>
            </select>
          </Field>
        </div>

        {form.credentialKind === 'secret' ? (
          <Field
            label="Client secret"
            htmlFor="tenant-clientSecret"
            error={errors.clientSecret}
            hint={storedHint('secret') ?? 'Stored encrypted; never shown again.'}
          >
            <input
              id="tenant-clientSecret"
              type="password"
              autoComplete="new-password"
              value={form.clientSecret}
              disabled={!editable}
              placeholder={storedHint('secret')}
              aria-invalid={errors.clientSecret ? true : undefined}
              onChange={(event) => set('clientSecret', event.target.value)}
            />
          </Field>
        ) : (
          <div className="form-grid">
            <Field
              label="Certificate (PEM)"
              htmlFor="tenant-certificatePem"
              error={errors.certificatePem}
              hint={
                storedHint('certificate') ??
                'The public certificate registered on the app, or certificate and key together.'
              }
            >
              <textarea
                id="tenant-certificatePem"
                rows={6}
                spellCheck={false}
                value={form.certificatePem}
                disabled={!editable}
                placeholder={storedHint('certificate') ?? '-----BEGIN CERTIFICATE-----'}
                onChange={(event) => set('certificatePem', event.target.value)}
              />
            </Field>
            <Field
              label="Private key (PEM)"
              htmlFor="tenant-privateKeyPem"
              error={errors.privateKeyPem}
              hint="Leave empty when the certificate field already holds the key. Stored encrypted."
            >
              <textarea
                id="tenant-privateKeyPem"
                rows={6}
                spellCheck={false}
                value={form.privateKeyPem}
                disabled={!editable}
                placeholder="The certificate's private key, PEM (unencrypted RSA)"
                onChange={(event) => set('privateKeyPem', event.target.value)}
              />
            </Field>
          </div>
        )}

        <div className="form-grid">
          <Field
            label="Cloud"
            htmlFor="tenant-cloud"
            error={errors.cloud}
            hint="Where the tenant's Defender data lives."
          >
            <select
              id="tenant-cloud"
              value={form.cloud}
              disabled={!editable}
              onChange={(event) => set('cloud', event.target.value)}
            >
              {!clouds.some((c) => c.value === form.cloud) && (
                <option value={form.cloud}>{form.cloud}</option>
              )}
              {clouds.map((cloud) => (
                <option key={cloud.value} value={cloud.value}>
                  {cloud.label}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label="Proxy URL"
            htmlFor="tenant-proxy"
            error={errors.proxy}
            hint="Optional, e.g. http://proxy.example.com:3128"
          >
            <input {...input('proxy')} autoComplete="off" />
          </Field>
        </div>

        <CheckboxField
          id="tenant-enabled"
          label="Enabled"
          checked={form.enabled}
          onChange={(v) => set('enabled', v)}
          disabled={!editable}
          hint="A disabled tenant keeps its data but is not synced."
        />

        <details
          className="advanced"
          open={form.cloud === 'custom' || Object.keys(errors).some((k) => /Url|schedules/.test(k))}
        >
          <summary>Advanced</summary>
          <p className="muted">Override the cloud's URLs (all three default to the selected cloud).</p>
          <div className="form-grid">
            <Field label="API URL" htmlFor="tenant-apiUrl" error={errors.apiUrl}>
              <input {...input('apiUrl')} placeholder="https://api.securitycenter.microsoft.com" />
            </Field>
            <Field label="Login URL" htmlFor="tenant-loginUrl" error={errors.loginUrl}>
              <input {...input('loginUrl')} placeholder="https://login.microsoftonline.com" />
            </Field>
            <Field label="Graph URL" htmlFor="tenant-graphUrl" error={errors.graphUrl}>
              <input {...input('graphUrl')} placeholder="https://graph.microsoft.com" />
            </Field>
          </div>
          <h3>Sync schedules</h3>
          <p className="muted">
            How often each resource is synced: 30s, 5m, 1h, 1d, or "off". Empty uses the default.
          </p>
          <div className="form-grid form-grid-narrow">
            {resources.map((r) => (
              <Field
                key={r}
                label={`${humanize(r)} interval`}
                htmlFor={`tenant-schedule-${r}`}
                error={errors[`schedules.${r}`]}
              >
                <input
                  id={`tenant-schedule-${r}`}
                  value={form.schedules[r]}
                  disabled={!editable}
                  placeholder={defaultSchedules[r]}
                  onChange={(event) => {
                    const value = event.target.value;
                    setForm((current) => ({ ...current, schedules: { ...current.schedules, [r]: value } }));
                  }}
                />
              </Field>
            ))}
          </div>
        </details>

        <div className="form-buttons">
          {(editable || (tenant && can('config.view'))) && (
            <button type="button" className="button" disabled={busy !== null} onClick={testConnection}>
              {busy === 'test' ? 'Testing…' : 'Test Connection'}
            </button>
          )}
          {editable && (
            <button type="submit" className="button button-primary" disabled={busy !== null}>
              {busy === 'save' ? 'Validating and saving…' : 'Save'}
            </button>
          )}
          {busy && (
            <span className="muted" role="status">
              {busy === 'test'
                ? 'Running each check against Defender…'
                : 'Testing the connection before saving…'}
            </span>
          )}
        </div>
      </form>

      {result && <TestConnectionReport result={result} />}

      {tenant && (
        <section className="card">
          <h2>Sync status</h2>
          <SyncStatusTables tenantId={tenant.id} />
        </section>
      )}
    </>
  );
}
