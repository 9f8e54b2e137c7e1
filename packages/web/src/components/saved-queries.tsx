import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client.js';
import type { SavedQuery } from '../api/types-hunting.js';
import { useApi } from '../api/use-api.js';
import { Dialog } from './dialog.js';
import { Field } from './field.js';
import { EmptyState, ErrorMessage, Loading } from './status.js';

// The caller's saved hunting queries: load one into the editor, save the editor's text under a new name,
// update the loaded one with the editor's text, rename or delete it.

type Editing =
  | { mode: 'create' }
  | { mode: 'rename'; saved: SavedQuery }
  | { mode: 'delete'; saved: SavedQuery };

export function SavedQueries({
  query,
  loadedId,
  onLoad,
}: {
  /** The editor's current text. */
  query: string;
  loadedId: string | null;
  onLoad: (saved: SavedQuery | null) => void;
}) {
  const list = useApi(() => api.get<{ items: SavedQuery[] }>('/hunting/saved-queries'), 'saved-queries');
  const [editing, setEditing] = useState<Editing | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const loaded = list.data?.items.find((s) => s.id === loadedId) ?? null;

  const open = (next: Editing) => {
    setEditing(next);
    setError(null);
    setName(next.mode === 'create' ? '' : next.saved.name);
  };

  const act = async (work: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    try {
      setNotice(await work());
      setEditing(null);
      list.reload();
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!editing) return;
    if (editing.mode === 'create') {
      void act(async () => {
        const saved = await api.post<SavedQuery>('/hunting/saved-queries', { name: name.trim(), query });
        onLoad(saved);
        return `Saved as “${saved.name}”.`;
      });
    } else if (editing.mode === 'rename') {
      const target = editing.saved;
      void act(async () => {
        const saved = await api.put<SavedQuery>(`/hunting/saved-queries/${encodeURIComponent(target.id)}`, {
          name: name.trim(),
          query: target.query,
        });
        return `Renamed to “${saved.name}”.`;
      });
    } else {
      const target = editing.saved;
      void act(async () => {
        await api.delete(`/hunting/saved-queries/${encodeURIComponent(target.id)}`);
        if (target.id === loadedId) onLoad(null);
        return `Deleted “${target.name}”.`;
      });
    }
  };

  const update = (saved: SavedQuery) =>
    act(async () => {
      await api.put<SavedQuery>(`/hunting/saved-queries/${encodeURIComponent(saved.id)}`, {
        name: saved.name,
        query,
      });
      return `Updated “${saved.name}” with the editor's query.`;
    });

  const nameError =
    error instanceof ApiError && (error.status === 409 || error.field === 'body.name')
      ? error.message
      : undefined;
  const queryError = error instanceof ApiError && error.field === 'body.query' ? error.message : undefined;

  return (
    <section className="card hunting-side-card" aria-labelledby="saved-queries-title">
      <div className="card-head-row">
        <h2 id="saved-queries-title">Saved queries</h2>
        <div className="button-row">
          {loaded && (
            <button
              type="button"
              className="button button-small"
              disabled={busy || !query.trim() || loaded.query === query}
              onClick={() => void update(loaded)}
            >
              Update “{loaded.name}”
            </button>
          )}
          <button
            type="button"
            className="button button-small"
            disabled={!query.trim()}
            onClick={() => open({ mode: 'create' })}
          >
            Save as…
          </button>
        </div>
      </div>
      {notice && (
        <div className="notice notice-success small" role="status">
          {notice}
        </div>
      )}
      {error && !editing && <ErrorMessage error={error} />}
      {list.error ? (
        <ErrorMessage error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <EmptyState title="No saved queries.">Write a query and choose “Save as…” to keep it.</EmptyState>
      ) : (
        <ul className="query-list" aria-label="Saved queries">
          {list.data.items.map((saved) => (
            <li key={saved.id} className={saved.id === loadedId ? 'is-current' : ''}>
              <div className="query-list-head">
                <span className="strong query-name">{saved.name}</span>
                <div className="button-row">
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => onLoad(saved)}
                    aria-label={`Load ${saved.name}`}
                  >
                    Load
                  </button>
                  <button
                    type="button"
                    className="button button-small button-ghost"
                    onClick={() => open({ mode: 'rename', saved })}
                    aria-label={`Rename ${saved.name}`}
                  >
                    Rename
                  </button>
                  <button
                    type="button"
                    className="button button-small button-ghost"
                    onClick={() => open({ mode: 'delete', saved })}
                    aria-label={`Delete ${saved.name}`}
                  >
                    Delete
                  </button>
                </div>
              </div>
              <code className="query-preview" title={saved.query}>
                {saved.query}
              </code>
            </li>
          ))}
        </ul>
      )}
      <Dialog
        title={
          editing?.mode === 'delete'
            ? 'Delete saved query'
            : editing?.mode === 'rename'
              ? 'Rename saved query'
              : 'Save query'
        }
        open={editing !== null}
        onClose={() => setEditing(null)}
      >
        <form onSubmit={submit}>
          {editing?.mode === 'delete' ? (
            <p>
              Delete “<span className="strong">{editing.saved.name}</span>”? This cannot be undone.
            </p>
          ) : (
            <Field label="Name" htmlFor="saved-query-name" error={nameError} hint="1 to 100 characters">
              <input
                id="saved-query-name"
                value={name}
                maxLength={100}
                required
                onChange={(event) => setName(event.target.value)}
              />
            </Field>
          )}
          {queryError && <div className="field-error">{queryError}</div>}
          {error && !nameError && !queryError && <ErrorMessage error={error} />}
          <div className="dialog-buttons">
            <button type="button" className="button" onClick={() => setEditing(null)}>
              Cancel
            </button>
            <button
              type="submit"
              className={`button ${editing?.mode === 'delete' ? 'button-danger' : 'button-primary'}`}
              disabled={busy || (editing?.mode !== 'delete' && !name.trim())}
            >
              {editing?.mode === 'delete' ? 'Delete' : editing?.mode === 'rename' ? 'Rename' : 'Save'}
            </button>
          </div>
        </form>
      </Dialog>
    </section>
  );
}
