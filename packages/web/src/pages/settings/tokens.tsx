import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.js';
import type { ApiToken, RolesResponse } from '../../api/types.js';
import { useApi } from '../../api/use-api.js';
import { Badge } from '../../components/badge.js';
import { Field } from '../../components/field.js';
import { PageHeader } from '../../components/page-header.js';
import { EmptyState, ErrorMessage, Loading, Notice } from '../../components/status.js';
import { formatRelative, formatTime } from '../../format.js';

function tokenState(token: ApiToken): { value: string; label: string } {
  if (token.revokedAt) return { value: 'disabled', label: 'Revoked' };
  if (token.expiresAt && new Date(token.expiresAt).getTime() < Date.now())
    return { value: 'timeout', label: 'Expired' };
  return { value: 'active', label: 'Active' };
}

/** The new token, shown once: the API keeps only its hash. */
function NewToken({ token, onDone }: { token: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <section className="card new-token" aria-label="New API token">
      <div className="notice notice-warning" role="alert">
        Copy this token now. It is shown only once; mde-bridge stores only a hash of it.
      </div>
      <div className="token-row">
        <label htmlFor="new-token-value">New API token</label>
        <input
          id="new-token-value"
          readOnly
          value={token}
          onFocus={(e) => e.target.select()}
          className="mono"
        />
        <button type="button" className="button" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="button button-ghost" onClick={onDone}>
          Done
        </button>
      </div>
      {copied && (
        <span className="muted small" role="status">
          Token copied to the clipboard.
        </span>
      )}
      <p className="muted small">
        Send it as <code>Authorization: Bearer {token.slice(0, 9)}…</code>
      </p>
    </section>
  );
}

export function TokensPage() {
  const tokens = useApi(() => api.get<{ items: ApiToken[] }>('/tokens'), 'tokens');
  const roles = useApi(() => api.get<RolesResponse>('/roles'), 'roles');
  const [name, setName] = useState('');
  const [roleId, setRoleId] = useState('read-only');
  const [days, setDays] = useState('90');
  const [created, setCreated] = useState<string | null>(null);
  const [message, setMessage] = useState<{ text: string; ok: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const result = await api.post<{ token: string; apiToken: ApiToken }>('/tokens', {
        name: name.trim(),
        roleId,
        ...(days.trim() ? { expiresInDays: Number(days) } : {}),
      });
      setCreated(result.token);
      setName('');
      tokens.reload();
    } catch (error) {
      setMessage({ text: (error as Error).message, ok: false });
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (token: ApiToken) => {
    if (!window.confirm(`Revoke the token "${token.name}"? Integrations using it stop working at once.`))
      return;
    try {
      await api.delete(`/tokens/${encodeURIComponent(token.id)}`);
      setMessage({ text: `Token ${token.name} revoked.`, ok: true });
      tokens.reload();
    } catch (error) {
      setMessage({ text: (error as Error).message, ok: false });
    }
  };

  return (
    <>
      <PageHeader title="API tokens" subtitle="Bearer tokens for integrations, each bound to a role" />
      {message && <Notice tone={message.ok ? 'success' : 'error'}>{message.text}</Notice>}
      {created && <NewToken token={created} onDone={() => setCreated(null)} />}
      <form className="card form" onSubmit={create}>
        <h2>Create token</h2>
        <div className="form-grid">
          <Field label="Token name" htmlFor="token-name" hint="What uses it, e.g. ndr-sensor-01.">
            <input
              id="token-name"
              value={name}
              autoComplete="off"
              onChange={(e) => setName(e.target.value)}
            />
          </Field>
          <Field label="Role" htmlFor="token-role">
            <select id="token-role" value={roleId} onChange={(e) => setRoleId(e.target.value)}>
              {(roles.data?.items ?? []).map((role) => (
                <option key={role.id} value={role.id}>
                  {role.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Expires in (days)" htmlFor="token-days" hint="Empty: never expires.">
            <input
              id="token-days"
              type="number"
              min={1}
              max={3650}
              value={days}
              onChange={(e) => setDays(e.target.value)}
            />
          </Field>
        </div>
        <div className="form-buttons">
          <button type="submit" className="button button-primary" disabled={busy || !name.trim()}>
            Create token
          </button>
        </div>
      </form>
      <section className="card card-flush">
        <h2 className="card-title">Tokens</h2>
        {tokens.error && <ErrorMessage error={tokens.error} onRetry={tokens.reload} />}
        {!tokens.data && !tokens.error && <Loading />}
        {tokens.data &&
          (tokens.data.items.length === 0 ? (
            <EmptyState title="No API tokens.">
              Create one above for each integration that calls the API.
            </EmptyState>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">API tokens</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Prefix</th>
                    <th scope="col">Role</th>
                    <th scope="col">State</th>
                    <th scope="col">Created</th>
                    <th scope="col">Expires</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {tokens.data.items.map((token) => {
                    const state = tokenState(token);
                    return (
                      <tr key={token.id}>
                        <td className="strong">{token.name}</td>
                        <td>
                          <code>{token.prefix}…</code>
                        </td>
                        <td>{token.roleName}</td>
                        <td>
                          <Badge value={state.value} label={state.label} />
                        </td>
                        <td>
                          {formatTime(token.createdAt)}{' '}
                          <span className="muted small">by {token.createdBy}</span>
                        </td>
                        <td>{token.expiresAt ? formatTime(token.expiresAt) : 'Never'}</td>
                        <td>{token.lastUsedAt ? formatRelative(token.lastUsedAt) : 'Never'}</td>
                        <td>
                          {!token.revokedAt && (
                            <button
                              type="button"
                              className="button button-small button-danger"
                              onClick={() => revoke(token)}
                            >
                              Revoke
                            </button>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          ))}
      </section>
    </>
  );
}
