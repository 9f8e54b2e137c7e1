import { useState } from 'react';
import { ApiError, api } from '../../api/client.js';
import type { Tenant } from '../../api/types.js';
import { Dialog } from '../../components/dialog.js';

/** POST /tenants/:id/sync; reports what was accepted (or that a run is already going). */
export function SyncNowButton({
  tenant,
  onMessage,
}: {
  tenant: Tenant;
  onMessage: (text: string, ok: boolean) => void;
}) {
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const result = await api.post<{ accepted: string[] }>(
        `/tenants/${encodeURIComponent(tenant.id)}/sync`,
        {},
      );
      onMessage(
        result.accepted.length
          ? `Sync of ${tenant.name} started: ${result.accepted.join(', ')}.`
          : `A sync of ${tenant.name} is already running.`,
        true,
      );
    } catch (error) {
      onMessage(
        error instanceof ApiError && error.code === 'sync_running'
          ? `A sync of ${tenant.name} is already running.`
          : `Could not start the sync: ${(error as Error).message}`,
        error instanceof ApiError && error.code === 'sync_running',
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" className="button button-small" disabled={busy || !tenant.enabled} onClick={run}>
      {busy ? 'Starting…' : 'Sync now'}
    </button>
  );
}

export function EnableToggleButton({
  tenant,
  onChanged,
  onMessage,
}: {
  tenant: Tenant;
  onChanged: (tenant: Tenant) => void;
  onMessage: (text: string, ok: boolean) => void;
}) {
  const [busy, setBusy] = useState(false);
  const verb = tenant.enabled ? 'disable' : 'enable';
  const run = async () => {
    setBusy(true);
    try {
      const updated = await api.post<Tenant>(`/tenants/${encodeURIComponent(tenant.id)}/${verb}`);
      onChanged(updated);
      onMessage(`Tenant ${tenant.name} ${updated.enabled ? 'enabled' : 'disabled'}.`, true);
    } catch (error) {
      onMessage(`Could not ${verb} ${tenant.name}: ${(error as Error).message}`, false);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" className="button button-small" disabled={busy} onClick={run}>
      {tenant.enabled ? 'Disable' : 'Enable'}
    </button>
  );
}

/** Deleting a tenant removes its whole replica, so the dialog asks for the tenant's name, typed. */
export function DeleteTenantButton({ tenant, onDeleted }: { tenant: Tenant; onDeleted: () => void }) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setOpen(false);
    setTyped('');
    setError(null);
  };
  const confirm = async () => {
    setBusy(true);
    try {
      await api.delete(`/tenants/${encodeURIComponent(tenant.id)}`);
      close();
      onDeleted();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="button button-small button-danger" onClick={() => setOpen(true)}>
        Delete
      </button>
      <Dialog title={`Delete tenant ${tenant.name}?`} open={open} onClose={close}>
        <p>
          This removes the tenant's settings and every device, alert, action, vulnerability and sync record
          replicated from it. Nothing changes in Defender itself.
        </p>
        <div className="field">
          <label htmlFor="delete-confirm-name">
            Type <strong>{tenant.name}</strong> to confirm
          </label>
          <input
            id="delete-confirm-name"
            value={typed}
            autoComplete="off"
            onChange={(event) => setTyped(event.target.value)}
          />
        </div>
        {error && (
          <div className="notice notice-error" role="alert">
            {error}
          </div>
        )}
        <div className="dialog-buttons">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={typed !== tenant.name || busy}
            onClick={confirm}
          >
            {busy ? 'Deleting…' : 'Delete tenant'}
          </button>
        </div>
      </Dialog>
    </>
  );
}
