import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../../api/client.js';
import type { ProfileRule } from '../../api/types.js';
import { useApi } from '../../api/use-api.js';
import { Badge } from '../../components/badge.js';
import { Dialog } from '../../components/dialog.js';
import { CheckboxField, Field } from '../../components/field.js';
import { EmptyState, ErrorMessage, Loading, Notice } from '../../components/status.js';
import { MatchScoreBadge } from './profile-badges.js';

type RuleScore = ProfileRule['matchScore'];
const scores: RuleScore[] = ['High', 'Medium', 'Low'];

interface FormState {
  name: string;
  profileName: string;
  hostnamePattern: string;
  attributes: string;
  matchScore: RuleScore;
  priority: string;
  enabled: boolean;
}

const emptyForm: FormState = {
  name: '',
  profileName: '',
  hostnamePattern: '',
  attributes: '',
  matchScore: 'Medium',
  priority: '50',
  enabled: true,
};

/** `ttl=64, vendor=acme` ↔ `{ttl: '64', vendor: 'acme'}`. */
function formatAttributes(attributes: Record<string, string>): string {
  return Object.entries(attributes)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}

function parseAttributes(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = part.indexOf('=');
    if (at <= 0) return `"${part}" is not name=value`;
    out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}

function RuleForm({
  editing,
  onSaved,
  onCancel,
}: {
  editing: ProfileRule | null;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const [form, setForm] = useState<FormState>(
    editing
      ? {
          name: editing.name,
          profileName: editing.profileName,
          hostnamePattern: editing.hostnamePattern ?? '',
          attributes: formatAttributes(editing.attributes),
          matchScore: editing.matchScore,
          priority: String(editing.priority),
          enabled: editing.enabled,
        }
      : emptyForm,
  );
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const fieldError = (name: string) =>
    error instanceof ApiError && error.field?.startsWith(`body.${name}`) ? error.message : undefined;
  const attributes = parseAttributes(form.attributes);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (typeof attributes === 'string') return;
    setBusy(true);
    setError(null);
    const body = {
      name: form.name.trim(),
      profileName: form.profileName.trim(),
      hostnamePattern: form.hostnamePattern.trim() || null,
      attributes,
      matchScore: form.matchScore,
      priority: Number(form.priority) || 0,
      enabled: form.enabled,
    };
    try {
      if (editing) await api.patch(`/profile-rules/${encodeURIComponent(editing.id)}`, body);
      else await api.post('/profile-rules', body);
      onSaved();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit} aria-label={editing ? 'Edit rule' : 'Add rule'}>
      {error && !(error instanceof ApiError && error.field) && <ErrorMessage error={error} />}
      <div className="form-grid">
        <Field label="Rule name" htmlFor="rule-name" error={fieldError('name')}>
          <input
            id="rule-name"
            value={form.name}
            autoComplete="off"
            onChange={(e) => set('name', e.target.value)}
          />
        </Field>
        <Field
          label="Profile"
          htmlFor="rule-profile"
          error={fieldError('profileName')}
          hint="The standard profile a match goes into."
        >
          <input
            id="rule-profile"
            value={form.profileName}
            autoComplete="off"
            onChange={(e) => set('profileName', e.target.value)}
          />
        </Field>
        <Field
          label="Host name pattern"
          htmlFor="rule-pattern"
          error={fieldError('hostnamePattern')}
          hint={
            <>
              A glob such as <code>*-dc*</code>, or a regex anchored with <code>^…$</code>. Case-insensitive;
              tried on the full and the short name.
            </>
          }
        >
          <input
            id="rule-pattern"
            value={form.hostnamePattern}
            autoComplete="off"
            className="mono"
            onChange={(e) => set('hostnamePattern', e.target.value)}
          />
        </Field>
        <Field
          label="Observed attributes"
          htmlFor="rule-attributes"
          error={typeof attributes === 'string' ? attributes : fieldError('attributes')}
          hint={
            <>
              All must be equal, e.g. <code>ttl=64</code> or <code>ttl=128, vendor=acme</code>.
            </>
          }
        >
          <input
            id="rule-attributes"
            value={form.attributes}
            autoComplete="off"
            className="mono"
            onChange={(e) => set('attributes', e.target.value)}
          />
        </Field>
        <Field label="Match score" htmlFor="rule-score" error={fieldError('matchScore')}>
          <select
            id="rule-score"
            value={form.matchScore}
            onChange={(e) => set('matchScore', e.target.value as RuleScore)}
          >
            {scores.map((score) => (
              <option key={score} value={score}>
                {score}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Priority"
          htmlFor="rule-priority"
          error={fieldError('priority')}
          hint="Higher rules are tried first."
        >
          <input
            id="rule-priority"
            type="number"
            value={form.priority}
            onChange={(e) => set('priority', e.target.value)}
          />
        </Field>
      </div>
      <CheckboxField
        id="rule-enabled"
        label="Enabled"
        checked={form.enabled}
        onChange={(v) => set('enabled', v)}
      />
      <div className="form-buttons">
        <button
          type="submit"
          className="button button-primary"
          disabled={busy || !form.name.trim() || !form.profileName.trim() || typeof attributes === 'string'}
        >
          {editing ? 'Save' : 'Add rule'}
        </button>
        <button type="button" className="button button-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/**
 * The standard profiling rules (for endpoints Defender gives no OS for): add, edit, delete, switch on and off,
 * and re-profile now. Shown only to callers with config.edit.
 */
export function RulesEditor({ onApplied }: { onApplied: () => void }) {
  const rules = useApi(() => api.get<{ items: ProfileRule[] }>('/profile-rules'), 'profile-rules');
  const [editing, setEditing] = useState<ProfileRule | 'new' | null>(null);
  const [message, setMessage] = useState<{ text: string; ok: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setMessage(null);
    try {
      setMessage({ text: await action(), ok: true });
    } catch (error) {
      setMessage({ text: (error as Error).message, ok: false });
    } finally {
      setBusy(false);
      rules.reload();
    }
  };
  const toggle = (rule: ProfileRule) =>
    run(async () => {
      await api.patch(`/profile-rules/${encodeURIComponent(rule.id)}`, { enabled: !rule.enabled });
      return `Rule "${rule.name}" ${rule.enabled ? 'disabled' : 'enabled'}. Apply to re-profile now.`;
    });
  const remove = (rule: ProfileRule) => {
    if (!window.confirm(`Delete the rule "${rule.name}"?`)) return;
    void run(async () => {
      await api.delete(`/profile-rules/${encodeURIComponent(rule.id)}`);
      return `Rule "${rule.name}" deleted. Apply to re-profile now.`;
    });
  };
  const apply = () =>
    run(async () => {
      const result = await api.post<{ devices: number; endpoints: number; dynamicProfiles: number }>(
        '/profile-rules/apply',
      );
      onApplied();
      return `Re-profiled: ${result.devices.toLocaleString()} devices and ${result.endpoints.toLocaleString()} unmanaged endpoints in a profile.`;
    });

  return (
    <section className="card card-flush" aria-label="Standard profiling rules">
      <div className="card-title-row">
        <h2 className="card-title">Standard rules</h2>
        <div className="button-row">
          <button type="button" className="button" onClick={() => setEditing('new')}>
            Add rule
          </button>
          <button type="button" className="button button-primary" disabled={busy} onClick={apply}>
            Apply now
          </button>
        </div>
      </div>
      <p className="muted small">
        For endpoints Defender gives no OS for, and unmanaged endpoints: the first enabled rule that fits,
        highest priority first, picks the profile and its match score.
      </p>
      {message && <Notice tone={message.ok ? 'success' : 'error'}>{message.text}</Notice>}
      {rules.error && <ErrorMessage error={rules.error} onRetry={rules.reload} />}
      {!rules.data && !rules.error && <Loading />}
      {rules.data &&
        (rules.data.items.length === 0 ? (
          <EmptyState title="No rules.">Endpoints without an OS from Defender stay unprofiled.</EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Standard profiling rules</caption>
              <thead>
                <tr>
                  <th scope="col">Priority</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Host name</th>
                  <th scope="col">Attributes</th>
                  <th scope="col">Profile</th>
                  <th scope="col">Match score</th>
                  <th scope="col">State</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {rules.data.items.map((rule) => (
                  <tr key={rule.id}>
                    <td>{rule.priority}</td>
                    <td className="strong">
                      {rule.name} {rule.builtin && <Badge tone="neutral" label="Built-in" />}
                    </td>
                    <td>{rule.hostnamePattern ? <code>{rule.hostnamePattern}</code> : '—'}</td>
                    <td>
                      {Object.keys(rule.attributes).length ? (
                        <code>{formatAttributes(rule.attributes)}</code>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>{rule.profileName}</td>
                    <td>
                      <MatchScoreBadge score={rule.matchScore} />
                    </td>
                    <td>
                      <Badge value={rule.enabled ? 'enabled' : 'disabled'} />
                    </td>
                    <td>
                      <div className="button-row">
                        <button
                          type="button"
                          className="button button-small"
                          onClick={() => setEditing(rule)}
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          className="button button-small"
                          disabled={busy}
                          onClick={() => toggle(rule)}
                        >
                          {rule.enabled ? 'Disable' : 'Enable'}
                        </button>
                        <button
                          type="button"
                          className="button button-small button-danger"
                          disabled={busy}
                          onClick={() => remove(rule)}
                        >
                          Delete
                        </button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      <Dialog
        title={editing && editing !== 'new' ? `Edit rule ${editing.name}` : 'Add rule'}
        open={editing !== null}
        onClose={() => setEditing(null)}
      >
        {editing !== null && (
          <RuleForm
            key={editing === 'new' ? 'new' : editing.id}
            editing={editing === 'new' ? null : editing}
            onCancel={() => setEditing(null)}
            onSaved={() => {
              setEditing(null);
              setMessage({ text: 'Rule saved. Apply to re-profile now.', ok: true });
              rules.reload();
            }}
          />
        )}
      </Dialog>
    </section>
  );
}
