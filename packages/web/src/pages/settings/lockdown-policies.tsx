import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../../api/client.js';
import type { ListPage, Tenant } from '../../api/types.js';
import {
  AlertSeverities,
  type ApprovalRule,
  DecisionKinds,
  type LockdownPolicy,
  type LockdownPolicyInput,
  type PolicyDecision,
  type PolicyThresholds,
  RiskLevels,
} from '../../api/types-detections.js';
import { useApi } from '../../api/use-api.js';
import { Badge } from '../../components/badge.js';
import { DecisionsTable } from '../../components/detection-parts.js';
import { CheckboxField, Field } from '../../components/field.js';
import { FilterSelect } from '../../components/filters.js';
import { PageHeader } from '../../components/page-header.js';
import { Pager } from '../../components/pager.js';
import { EmptyState, ErrorMessage, Loading, Notice } from '../../components/status.js';
import { formatRelative, formatTime, humanize } from '../../format.js';
import { useSession } from '../../session.js';
import { customMinutes } from '../host/lockdown-widget.js';

// Automatic lockdown (issue 7): the policies that judge each network detection, in evaluation order, their
// recent decisions (a dry-run policy's "would have locked"), and the device groups whose actions need a second
// person's approval.

const presets = ['1h', '2h', '4h', '8h', '12h', '24h'];

interface FormState {
  name: string;
  enabled: boolean;
  dryRun: boolean;
  tenantId: string;
  minThreat: string;
  minCertainty: string;
  minPrivilege: string;
  minAlertSeverity: string;
  minRiskLevel: string;
  durationChoice: string;
  customDuration: string;
  isolationType: 'Full' | 'Selective';
  tags: string;
  highValue: boolean;
  deviceGroups: string;
  allowList: string;
  maxPerHour: string;
  requireApproval: boolean;
}

const emptyForm: FormState = {
  name: '',
  enabled: true,
  dryRun: false,
  tenantId: '',
  minThreat: '',
  minCertainty: '',
  minPrivilege: '',
  minAlertSeverity: '',
  minRiskLevel: '',
  durationChoice: '4h',
  customDuration: '',
  isolationType: 'Full',
  tags: '',
  highValue: true,
  deviceGroups: '',
  allowList: '',
  maxPerHour: '5',
  requireApproval: false,
};

const num = (value: number | null) => (value === null ? '' : String(value));
const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

function toForm(p: LockdownPolicy): FormState {
  const preset = presets.includes(p.duration);
  return {
    name: p.name,
    enabled: p.enabled,
    dryRun: p.dryRun,
    tenantId: p.tenantId ?? '',
    minThreat: num(p.thresholds.minThreat),
    minCertainty: num(p.thresholds.minCertainty),
    minPrivilege: num(p.thresholds.minPrivilege),
    minAlertSeverity: p.thresholds.minAlertSeverity ?? '',
    minRiskLevel: p.thresholds.minRiskLevel ?? '',
    durationChoice: preset ? p.duration : 'custom',
    customDuration: preset ? '' : p.duration,
    isolationType: p.isolationType,
    tags: p.exclusions.tags.join('\n'),
    highValue: p.exclusions.highValue,
    deviceGroups: p.exclusions.deviceGroups.join('\n'),
    allowList: p.exclusions.allowList.join('\n'),
    maxPerHour: String(p.maxPerHour),
    requireApproval: p.requireApproval,
  };
}

/** Numbers typed as text: empty is "not set" (null); anything else is sent as typed so the API names bad ones. */
const optionalInt = (text: string): number | null => (text.trim() === '' ? null : Number(text.trim()));

function toInput(f: FormState): LockdownPolicyInput {
  const thresholds: PolicyThresholds = {
    minThreat: optionalInt(f.minThreat),
    minCertainty: optionalInt(f.minCertainty),
    minPrivilege: optionalInt(f.minPrivilege),
    minAlertSeverity: (f.minAlertSeverity || null) as PolicyThresholds['minAlertSeverity'],
    minRiskLevel: (f.minRiskLevel || null) as PolicyThresholds['minRiskLevel'],
  };
  // Unset thresholds are left out, not sent as null: the API's type coercion can read a null integer as 0.
  const set = Object.fromEntries(Object.entries(thresholds).filter(([, v]) => v !== null));
  return {
    name: f.name.trim(),
    enabled: f.enabled,
    dryRun: f.dryRun,
    tenantId: f.tenantId || null,
    thresholds: set,
    duration: f.durationChoice === 'custom' ? f.customDuration.trim() : f.durationChoice,
    isolationType: f.isolationType,
    exclusions: {
      tags: lines(f.tags),
      highValue: f.highValue,
      deviceGroups: lines(f.deviceGroups),
      allowList: lines(f.allowList),
    },
    maxPerHour: f.maxPerHour.trim() === '' ? 5 : Number(f.maxPerHour.trim()),
    requireApproval: f.requireApproval,
  };
}

/** "threat ≥ 80 · certainty ≥ 70": the thresholds that are set. */
function thresholdsText(t: PolicyThresholds): string {
  const parts = [
    t.minThreat !== null && `threat ≥ ${t.minThreat}`,
    t.minCertainty !== null && `certainty ≥ ${t.minCertainty}`,
    t.minPrivilege !== null && `privilege ≥ ${t.minPrivilege}`,
    t.minAlertSeverity && `alert ≥ ${t.minAlertSeverity}`,
    t.minRiskLevel && `risk ≥ ${t.minRiskLevel}`,
  ].filter(Boolean);
  return parts.join(' · ') || '—';
}

function exclusionsText(p: LockdownPolicy): string {
  const e = p.exclusions;
  const parts = [
    e.highValue && 'High-value devices',
    e.tags.length > 0 && `tags: ${e.tags.join(', ')}`,
    e.deviceGroups.length > 0 && `groups: ${e.deviceGroups.join(', ')}`,
    e.allowList.length > 0 && `${e.allowList.length} allow-listed`,
  ].filter(Boolean);
  return parts.join(' · ') || 'None';
}

function PolicyForm({
  editing,
  tenants,
  onSaved,
  onCancel,
}: {
  editing: LockdownPolicy | null;
  tenants: Tenant[];
  onSaved: (policy: LockdownPolicy) => void;
  onCancel: () => void;
}) {
  const [form, setForm] = useState<FormState>(editing ? toForm(editing) : emptyForm);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  // Where a 400 names a field, the message goes under that field; anything else shows above the form.
  const shown = [
    'name',
    'tenantId',
    'thresholds',
    'thresholds.minThreat',
    'thresholds.minCertainty',
    'thresholds.minPrivilege',
    'thresholds.minAlertSeverity',
    'thresholds.minRiskLevel',
    'duration',
    'isolationType',
    'exclusions.tags',
    'exclusions.deviceGroups',
    'exclusions.allowList',
    'maxPerHour',
  ];
  const apiField = error instanceof ApiError ? error.field : undefined;
  const owner = apiField
    ? shown
        .filter((name) => apiField === `body.${name}` || apiField.startsWith(`body.${name}.`))
        .sort((a, b) => b.length - a.length)[0]
    : undefined;
  const fieldError = (name: string) => (owner === name && error ? error.message : undefined);

  const anyThreshold = [
    form.minThreat,
    form.minCertainty,
    form.minPrivilege,
    form.minAlertSeverity,
    form.minRiskLevel,
  ].some((v) => v.trim() !== '');
  const durationOk = form.durationChoice !== 'custom' || customMinutes(form.customDuration) !== null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = toInput(form);
      const saved = editing
        ? await api.put<LockdownPolicy>(`/lockdown-policies/${encodeURIComponent(editing.id)}`, body)
        : await api.post<LockdownPolicy>('/lockdown-policies', body);
      onSaved(saved);
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  };

  const numberField = (
    key: 'minThreat' | 'minCertainty' | 'minPrivilege',
    label: string,
    max: number,
    hint: string,
  ) => (
    <Field label={label} htmlFor={`policy-${key}`} hint={hint} error={fieldError(`thresholds.${key}`)}>
      <input
        id={`policy-${key}`}
        type="number"
        min={0}
        max={max}
        step={1}
        inputMode="numeric"
        value={form[key]}
        placeholder="Not set"
        onChange={(e) => set(key, e.target.value)}
      />
    </Field>
  );

  const listField = (key: 'tags' | 'deviceGroups' | 'allowList', label: string, hint: string) => (
    <Field label={label} htmlFor={`policy-${key}`} hint={hint} error={fieldError(`exclusions.${key}`)}>
      <textarea id={`policy-${key}`} rows={3} value={form[key]} onChange={(e) => set(key, e.target.value)} />
    </Field>
  );

  return (
    <form
      className="card form"
      onSubmit={submit}
      aria-label={editing ? 'Edit lockdown policy' : 'Add lockdown policy'}
    >
      <h2>{editing ? `Edit ${editing.name}` : 'Add lockdown policy'}</h2>
      {error && !owner && <ErrorMessage error={error} />}
      <div className="form-grid">
        <Field label="Name" htmlFor="policy-name" error={fieldError('name')}>
          <input
            id="policy-name"
            value={form.name}
            maxLength={100}
            autoComplete="off"
            onChange={(e) => set('name', e.target.value)}
          />
        </Field>
        <Field
          label="Tenant"
          htmlFor="policy-tenant"
          error={fieldError('tenantId')}
          hint="A policy for every tenant, or for one."
        >
          <select id="policy-tenant" value={form.tenantId} onChange={(e) => set('tenantId', e.target.value)}>
            <option value="">All tenants</option>
            {tenants.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <CheckboxField
        id="policy-enabled"
        label="Enabled"
        checked={form.enabled}
        onChange={(v) => set('enabled', v)}
      />
      <CheckboxField
        id="policy-dry-run"
        label="Dry run"
        checked={form.dryRun}
        onChange={(v) => set('dryRun', v)}
        hint="Only record what it would have done; nothing is sent to Defender."
      />

      <fieldset className={`field policy-fieldset ${fieldError('thresholds') ? 'field-invalid' : ''}`}>
        <legend>Thresholds</legend>
        <p className="field-hint">
          Every threshold that is set must pass; at least one must be set. A detection without the score fails
          that threshold.
        </p>
        <div className="form-grid">
          {numberField('minThreat', 'Minimum threat score', 100, '0–100')}
          {numberField('minCertainty', 'Minimum certainty score', 100, '0–100')}
          {numberField('minPrivilege', 'Minimum observed privilege', 10, '0–10')}
          <Field
            label="Minimum active alert severity"
            htmlFor="policy-alert"
            error={fieldError('thresholds.minAlertSeverity')}
          >
            <select
              id="policy-alert"
              value={form.minAlertSeverity}
              onChange={(e) => set('minAlertSeverity', e.target.value)}
            >
              <option value="">Not set</option>
              {AlertSeverities.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label="Minimum risk level"
            htmlFor="policy-risk"
            error={fieldError('thresholds.minRiskLevel')}
          >
            <select
              id="policy-risk"
              value={form.minRiskLevel}
              onChange={(e) => set('minRiskLevel', e.target.value)}
            >
              <option value="">Not set</option>
              {RiskLevels.map((s) => (
                <option key={s} value={s}>
                  {humanize(s)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        {(fieldError('thresholds') || !anyThreshold) && (
          <div className={fieldError('thresholds') ? 'field-error' : 'field-hint'} role="alert">
            {fieldError('thresholds') ?? 'Set at least one threshold.'}
          </div>
        )}
      </fieldset>

      <div className="form-grid">
        <Field label="Lockdown duration" htmlFor="policy-duration" error={fieldError('duration')}>
          <select
            id="policy-duration"
            value={form.durationChoice}
            onChange={(e) => set('durationChoice', e.target.value)}
          >
            {presets.map((p) => (
              <option key={p} value={p}>
                {p.replace('h', ' h')}
              </option>
            ))}
            <option value="custom">Custom…</option>
          </select>
        </Field>
        {form.durationChoice === 'custom' && (
          <Field
            label="Custom duration"
            htmlFor="policy-custom-duration"
            hint="Minutes or hours, e.g. 90m or 36h; from 15m to 72h."
            error={
              fieldError('duration') ??
              (form.customDuration && !durationOk ? 'Use 15m to 72h, e.g. 90m or 36h.' : undefined)
            }
          >
            <input
              id="policy-custom-duration"
              value={form.customDuration}
              placeholder="90m"
              autoComplete="off"
              onChange={(e) => set('customDuration', e.target.value)}
            />
          </Field>
        )}
        <Field label="Isolation type" htmlFor="policy-isolation" error={fieldError('isolationType')}>
          <select
            id="policy-isolation"
            value={form.isolationType}
            onChange={(e) => set('isolationType', e.target.value as 'Full' | 'Selective')}
          >
            <option value="Full">Full</option>
            <option value="Selective">Selective (keeps Outlook, Teams and Skype)</option>
          </select>
        </Field>
        <Field
          label="At most per hour"
          htmlFor="policy-max"
          hint="Locks (and would-locks, and approvals asked) by this policy in any 60 minutes; 1–1000."
          error={fieldError('maxPerHour')}
        >
          <input
            id="policy-max"
            type="number"
            min={1}
            max={1000}
            step={1}
            value={form.maxPerHour}
            onChange={(e) => set('maxPerHour', e.target.value)}
          />
        </Field>
      </div>

      <fieldset className="field policy-fieldset">
        <legend>Exclusions</legend>
        <CheckboxField
          id="policy-high-value"
          label="Never lock devices whose device value is High"
          checked={form.highValue}
          onChange={(v) => set('highValue', v)}
        />
        <div className="form-grid">
          {listField('tags', 'Device tags', 'One per line; a device with any of them is never locked.')}
          {listField('deviceGroups', 'Device groups', 'One per line.')}
          {listField(
            'allowList',
            'Allow-list',
            'One per line: device names, short names, IPs or machine IDs (case-insensitive).',
          )}
        </div>
      </fieldset>

      <CheckboxField
        id="policy-approval"
        label="Require approval"
        checked={form.requireApproval}
        onChange={(v) => set('requireApproval', v)}
        hint="The lock waits until a person with lockdown.edit approves it."
      />
      <div className="form-buttons">
        <button
          type="submit"
          className="button button-primary"
          disabled={busy || !form.name.trim() || !anyThreshold || !durationOk}
        >
          {editing ? 'Save policy' : 'Add policy'}
        </button>
        <button type="button" className="button button-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const decisionOptions = DecisionKinds.map((value) => ({ value, label: humanize(value) }));

/** One policy's decisions, newest first: for a dry-run policy, what it would have done. */
function RecentDecisions({ policy }: { policy: LockdownPolicy }) {
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const [decision, setDecision] = useState('');
  const list = useApi(
    () =>
      api.get<ListPage<PolicyDecision>>('/policy-decisions', {
        policyId: policy.id,
        decision: decision || undefined,
        page,
        pageSize,
      }),
    `policy-decisions:${policy.id}:${decision}:${page}:${pageSize}`,
    10_000,
  );
  return (
    <section className="card card-flush" aria-label={`Recent decisions of ${policy.name}`}>
      <div className="card-title-row card-title-pad">
        <h2 className="card-title">
          Recent decisions <span className="muted small">{policy.name}</span>{' '}
          {policy.dryRun && <Badge tone="info" label="Dry run" />}
        </h2>
        <FilterSelect
          label="Decision"
          value={decision}
          options={decisionOptions}
          onChange={(v) => {
            setDecision(v);
            setPage(1);
          }}
        />
      </div>
      {list.error && <ErrorMessage error={list.error} onRetry={list.reload} />}
      {!list.data && !list.error && <Loading />}
      {list.data &&
        (list.data.items.length === 0 ? (
          <EmptyState title="No decisions yet.">
            The policy decides on each detection of its tenant as it arrives.
          </EmptyState>
        ) : (
          <>
            <DecisionsTable decisions={list.data.items} caption="Recent decisions" show="detection" />
            <Pager
              page={page}
              pageSize={pageSize}
              total={list.data.total}
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

/** Device groups whose isolate, restrict, collect and lockdown wait for a second person. */
function ApprovalRules({ tenants, edit }: { tenants: Tenant[]; edit: boolean }) {
  const rules = useApi(() => api.get<{ items: ApprovalRule[] }>('/approval-rules'), 'approval-rules');
  const [tenantId, setTenantId] = useState('');
  const [group, setGroup] = useState('');
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const tenantName = (id: string) => tenants.find((t) => t.id === id)?.name ?? id;
  const chosenTenant = tenantId || tenants[0]?.id || '';
  const fieldError = (name: string) =>
    error instanceof ApiError && error.field === `body.${name}` ? error.message : undefined;

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post<ApprovalRule>('/approval-rules', { tenantId: chosenTenant, deviceGroup: group.trim() });
      setGroup('');
      rules.reload();
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (rule: ApprovalRule) => {
    if (!window.confirm(`Stop requiring approval for device group ${rule.deviceGroup}?`)) return;
    setError(null);
    try {
      await api.delete(`/approval-rules/${encodeURIComponent(rule.id)}`);
      rules.reload();
    } catch (failure) {
      setError(failure as Error);
    }
  };

  return (
    <section className="card card-flush" aria-labelledby="approval-rules-title">
      <h2 id="approval-rules-title" className="card-title">
        Approval rules
      </h2>
      <p className="muted small card-pad">
        On devices of these groups, isolate, restrict app execution, collect an investigation package and
        lockdown wait until a second person holding the action's permission approves them. Release, unrestrict
        and scan never wait.
      </p>
      {error && !fieldError('deviceGroup') && !fieldError('tenantId') && <ErrorMessage error={error} />}
      {rules.error && <ErrorMessage error={rules.error} onRetry={rules.reload} />}
      {!rules.data && !rules.error && <Loading />}
      {rules.data &&
        (rules.data.items.length === 0 ? (
          <EmptyState title="No device group needs approval." />
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Approval rules</caption>
              <thead>
                <tr>
                  <th scope="col">Tenant</th>
                  <th scope="col">Device group</th>
                  <th scope="col">Added</th>
                  {edit && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {rules.data.items.map((rule) => (
                  <tr key={rule.id}>
                    <td>{tenantName(rule.tenantId)}</td>
                    <td className="strong">{rule.deviceGroup}</td>
                    <td className="small">
                      {rule.createdBy} ·{' '}
                      <span title={formatTime(rule.createdAt)}>{formatRelative(rule.createdAt)}</span>
                    </td>
                    {edit && (
                      <td className="actions">
                        <button
                          type="button"
                          className="button button-small button-danger"
                          aria-label={`Remove the approval rule for ${rule.deviceGroup}`}
                          onClick={() => remove(rule)}
                        >
                          Remove
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      {edit && (
        <form className="inline-form card-pad" onSubmit={add} aria-label="Add approval rule">
          <Field label="Tenant" htmlFor="rule-tenant" error={fieldError('tenantId')}>
            <select id="rule-tenant" value={chosenTenant} onChange={(e) => setTenantId(e.target.value)}>
              {tenants.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Device group" htmlFor="rule-group" error={fieldError('deviceGroup')}>
            <input
              id="rule-group"
              value={group}
              autoComplete="off"
              onChange={(e) => setGroup(e.target.value)}
            />
          </Field>
          <button
            type="submit"
            className="button button-primary"
            disabled={busy || !group.trim() || !chosenTenant}
          >
            Require approval
          </button>
        </form>
      )}
    </section>
  );
}

/** Lockdown policies, their recent decisions and the approval rules. */
export function LockdownPoliciesPage() {
  const { can } = useSession();
  const edit = can('config.edit');
  const policies = useApi(
    () => api.get<{ items: LockdownPolicy[] }>('/lockdown-policies'),
    'lockdown-policies',
  );
  const tenantList = useApi(() => api.get<{ items: Tenant[] }>('/tenants'), 'tenants');
  const tenants = tenantList.data?.items ?? [];
  const [form, setForm] = useState<{ editing: LockdownPolicy | null } | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [message, setMessage] = useState<{ text: string; ok: boolean } | null>(null);
  const tenantName = (id: string | null) =>
    id ? (tenants.find((t) => t.id === id)?.name ?? id) : 'All tenants';

  const remove = async (policy: LockdownPolicy) => {
    if (!window.confirm(`Delete the lockdown policy ${policy.name}? Its past decisions stay as history.`))
      return;
    setMessage(null);
    try {
      await api.delete(`/lockdown-policies/${encodeURIComponent(policy.id)}`);
      if (selected === policy.id) setSelected(null);
      setMessage({ text: `Policy ${policy.name} deleted.`, ok: true });
      policies.reload();
    } catch (failure) {
      setMessage({ text: (failure as Error).message, ok: false });
    }
  };
  const shown = policies.data?.items.find((p) => p.id === selected) ?? null;

  return (
    <>
      <PageHeader
        title="Lockdown policies"
        subtitle="Lock hosts automatically when a network detection passes the thresholds"
      />
      {message && <Notice tone={message.ok ? 'success' : 'error'}>{message.text}</Notice>}
      {edit && !form && (
        <div className="form-buttons">
          <button type="button" className="button button-primary" onClick={() => setForm({ editing: null })}>
            Add policy
          </button>
        </div>
      )}
      {edit && form && (
        <PolicyForm
          key={form.editing?.id ?? 'new'}
          editing={form.editing}
          tenants={tenants}
          onCancel={() => setForm(null)}
          onSaved={(saved) => {
            setForm(null);
            setSelected(saved.id);
            setMessage({ text: `Policy ${saved.name} saved.`, ok: true });
            policies.reload();
          }}
        />
      )}
      <section className="card card-flush" aria-labelledby="policies-title">
        <h2 id="policies-title" className="card-title">
          Policies <span className="muted small">in evaluation order</span>
        </h2>
        {policies.error && <ErrorMessage error={policies.error} onRetry={policies.reload} />}
        {!policies.data && !policies.error && <Loading />}
        {policies.data &&
          (policies.data.items.length === 0 ? (
            <EmptyState title="No lockdown policies yet.">
              {edit
                ? 'Add one to lock hosts when a detection passes its thresholds — start with a dry run.'
                : 'An administrator can add one.'}
            </EmptyState>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Lockdown policies</caption>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Name</th>
                    <th scope="col">State</th>
                    <th scope="col">Tenant</th>
                    <th scope="col">Thresholds</th>
                    <th scope="col">Lockdown</th>
                    <th scope="col">Exclusions</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {policies.data.items.map((policy, index) => (
                    <tr key={policy.id} className={selected === policy.id ? 'selected' : ''}>
                      <td>{index + 1}</td>
                      <td className="strong">{policy.name}</td>
                      <td>
                        <div className="badge-row">
                          <Badge value={policy.enabled ? 'enabled' : 'disabled'} />
                          {policy.dryRun && <Badge tone="info" label="Dry run" />}
                          {policy.requireApproval && <Badge tone="progress" label="Needs approval" />}
                        </div>
                      </td>
                      <td>{tenantName(policy.tenantId)}</td>
                      <td className="small">{thresholdsText(policy.thresholds)}</td>
                      <td className="small nowrap">
                        {policy.duration} · {policy.isolationType} · ≤ {policy.maxPerHour}/h
                      </td>
                      <td className="small">{exclusionsText(policy)}</td>
                      <td className="actions">
                        <button
                          type="button"
                          className="button button-small"
                          aria-label={`Recent decisions of ${policy.name}`}
                          onClick={() => setSelected(policy.id)}
                        >
                          Recent decisions
                        </button>
                        {edit && (
                          <>
                            <button
                              type="button"
                              className="button button-small"
                              aria-label={`Edit ${policy.name}`}
                              onClick={() => setForm({ editing: policy })}
                            >
                              Edit
                            </button>
                            <button
                              type="button"
                              className="button button-small button-danger"
                              aria-label={`Delete ${policy.name}`}
                              onClick={() => remove(policy)}
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
      {shown && <RecentDecisions key={shown.id} policy={shown} />}
      <ApprovalRules tenants={tenants} edit={edit} />
    </>
  );
}
