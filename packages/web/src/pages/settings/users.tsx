import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../../api/client.js';
import type { Permission, Role, RolesResponse, User } from '../../api/types.js';
import { useApi } from '../../api/use-api.js';
import { Badge } from '../../components/badge.js';
import { Field } from '../../components/field.js';
import { PageHeader } from '../../components/page-header.js';
import { EmptyState, ErrorMessage, Loading, Notice } from '../../components/status.js';
import { formatRelative, formatTime } from '../../format.js';
import { useSession } from '../../session.js';

type Message = { text: string; ok: boolean } | null;

const fieldOf = (error: unknown) =>
  error instanceof ApiError && error.field ? error.field.replace(/^body\./, '') : null;

function AddUserForm({ roles, onAdded }: { roles: Role[]; onAdded: (user: User) => void }) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [roleId, setRoleId] = useState('read-only');
  const [error, setError] = useState<{ field: string | null; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password.length < 12) {
      setError({ field: 'password', text: 'Use at least 12 characters.' });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const user = await api.post<User>('/users', {
        username: username.trim(),
        password,
        roleId,
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
      });
      setUsername('');
      setDisplayName('');
      setPassword('');
      onAdded(user);
    } catch (failure) {
      setError({ field: fieldOf(failure), text: (failure as Error).message });
    } finally {
      setBusy(false);
    }
  };
  const errorFor = (field: string) => (error?.field === field ? error.text : undefined);
  return (
    <form className="card form" onSubmit={submit} noValidate>
      <h2>Add user</h2>
      {error && !error.field && (
        <div className="notice notice-error" role="alert">
          {error.text}
        </div>
      )}
      <div className="form-grid">
        <Field label="User name" htmlFor="user-username" error={errorFor('username')}>
          <input
            id="user-username"
            autoComplete="off"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </Field>
        <Field label="Display name" htmlFor="user-displayName" error={errorFor('displayName')}>
          <input id="user-displayName" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        </Field>
        <Field
          label="Initial password"
          htmlFor="user-password"
          error={errorFor('password')}
          hint="At least 12 characters; the user can change it."
        >
          <input
            id="user-password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <Field label="Role" htmlFor="user-role" error={errorFor('roleId')}>
          <select id="user-role" value={roleId} onChange={(e) => setRoleId(e.target.value)}>
            {roles.map((role) => (
              <option key={role.id} value={role.id}>
                {role.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div className="form-buttons">
        <button type="submit" className="button button-primary" disabled={busy || !username.trim()}>
          Add user
        </button>
      </div>
    </form>
  );
}

function UserRow({
  user,
  roles,
  self,
  onChanged,
  onMessage,
}: {
  user: User;
  roles: Role[];
  self: boolean;
  onChanged: () => void;
  onMessage: (m: Message) => void;
}) {
  const patch = async (body: Partial<{ roleId: string; disabled: boolean }>, done: string) => {
    try {
      await api.patch<User>(`/users/${encodeURIComponent(user.id)}`, body);
      onMessage({ text: done, ok: true });
      onChanged();
    } catch (error) {
      onMessage({ text: (error as Error).message, ok: false });
    }
  };
  return (
    <tr>
      <td>
        <span className="strong">{user.username}</span>
        {self && <span className="muted small"> (you)</span>}
        {user.displayName && user.displayName !== user.username && (
          <div className="muted small">{user.displayName}</div>
        )}
      </td>
      <td>
        <label className="visually-hidden" htmlFor={`role-${user.id}`}>
          Role of {user.username}
        </label>
        <select
          id={`role-${user.id}`}
          value={user.roleId}
          disabled={self}
          onChange={(e) => patch({ roleId: e.target.value }, `${user.username} now has another role.`)}
        >
          {roles.map((role) => (
            <option key={role.id} value={role.id}>
              {role.name}
            </option>
          ))}
        </select>
      </td>
      <td>
        <Badge value={user.disabled ? 'disabled' : 'active'} label={user.disabled ? 'Disabled' : 'Active'} />
      </td>
      <td title={formatTime(user.lastLoginAt)}>
        {user.lastLoginAt ? formatRelative(user.lastLoginAt) : 'Never'}
      </td>
      <td>{formatTime(user.createdAt)}</td>
      <td>
        {!self && (
          <button
            type="button"
            className="button button-small"
            onClick={() =>
              patch(
                { disabled: !user.disabled },
                user.disabled
                  ? `${user.username} enabled.`
                  : `${user.username} disabled; their sessions ended.`,
              )
            }
          >
            {user.disabled ? 'Enable' : 'Disable'}
          </button>
        )}
      </td>
    </tr>
  );
}

function AddRoleForm({
  permissions,
  onAdded,
}: {
  permissions: RolesResponse['permissions'];
  onAdded: (role: Role) => void;
}) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [granted, setGranted] = useState<Permission[]>(['hosts.view']);
  const [groups, setGroups] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const deviceGroups = groups
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    try {
      const role = await api.post<Role>('/roles', {
        name: name.trim(),
        ...(description.trim() ? { description: description.trim() } : {}),
        permissions: granted,
        deviceGroups: deviceGroups.length ? deviceGroups : null,
      });
      setName('');
      setDescription('');
      setGroups('');
      onAdded(role);
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return (
    <form className="card form" onSubmit={submit}>
      <h2>Add role</h2>
      {error && (
        <div className="notice notice-error" role="alert">
          {error}
        </div>
      )}
      <div className="form-grid">
        <Field label="Role name" htmlFor="role-name">
          <input id="role-name" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Description" htmlFor="role-description">
          <input id="role-description" value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <Field
          label="Device groups"
          htmlFor="role-groups"
          hint="Comma-separated Defender device groups this role is limited to; empty = all devices."
        >
          <input id="role-groups" value={groups} onChange={(e) => setGroups(e.target.value)} />
        </Field>
      </div>
      <fieldset className="checkbox-grid">
        <legend>Permissions</legend>
        {permissions.map((p) => (
          <div key={p.name} className="field-inline">
            <input
              id={`perm-${p.name}`}
              type="checkbox"
              checked={granted.includes(p.name)}
              onChange={(e) =>
                setGranted((current) =>
                  e.target.checked ? [...current, p.name] : current.filter((x) => x !== p.name),
                )
              }
            />
            <label htmlFor={`perm-${p.name}`}>
              <code>{p.name}</code> <span className="muted small">{p.description}</span>
            </label>
          </div>
        ))}
      </fieldset>
      <div className="form-buttons">
        <button type="submit" className="button button-primary" disabled={!name.trim()}>
          Add role
        </button>
      </div>
    </form>
  );
}

export function UsersPage() {
  const { me } = useSession();
  const users = useApi(() => api.get<{ items: User[] }>('/users'), 'users');
  const roles = useApi(() => api.get<RolesResponse>('/roles'), 'roles');
  const [message, setMessage] = useState<Message>(null);
  const [showAddUser, setShowAddUser] = useState(false);
  const [showAddRole, setShowAddRole] = useState(false);

  const deleteRole = async (role: Role) => {
    try {
      await api.delete(`/roles/${encodeURIComponent(role.id)}`);
      setMessage({ text: `Role ${role.name} deleted.`, ok: true });
      roles.reload();
    } catch (error) {
      const text =
        error instanceof ApiError && error.status === 409
          ? `Role ${role.name} is still assigned to a user or a token; reassign them first.`
          : (error as Error).message;
      setMessage({ text, ok: false });
    }
  };

  const roleList = roles.data?.items ?? [];
  return (
    <>
      <PageHeader
        title="Users and roles"
        subtitle="Who can sign in, and what each role may do"
        actions={
          <button type="button" className="button button-primary" onClick={() => setShowAddUser((v) => !v)}>
            {showAddUser ? 'Close' : 'Add user'}
          </button>
        }
      />
      {message && <Notice tone={message.ok ? 'success' : 'error'}>{message.text}</Notice>}
      {showAddUser && roles.data && (
        <AddUserForm
          roles={roleList}
          onAdded={(user) => {
            setMessage({ text: `User ${user.username} added.`, ok: true });
            setShowAddUser(false);
            users.reload();
          }}
        />
      )}
      <section className="card card-flush">
        <h2 className="card-title">Users</h2>
        {users.error && <ErrorMessage error={users.error} onRetry={users.reload} />}
        {!users.data && !users.error && <Loading />}
        {users.data &&
          (users.data.items.length === 0 ? (
            <EmptyState title="No users yet." />
          ) : (
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Users</caption>
                <thead>
                  <tr>
                    <th scope="col">User</th>
                    <th scope="col">Role</th>
                    <th scope="col">State</th>
                    <th scope="col">Last sign-in</th>
                    <th scope="col">Created</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {users.data.items.map((user) => (
                    <UserRow
                      key={user.id}
                      user={user}
                      roles={roleList}
                      self={user.id === me?.user?.id}
                      onChanged={users.reload}
                      onMessage={setMessage}
                    />
                  ))}
                </tbody>
              </table>
            </div>
          ))}
      </section>

      <section className="card card-flush">
        <div className="card-title-row">
          <h2 className="card-title">Roles</h2>
          <button type="button" className="button button-small" onClick={() => setShowAddRole((v) => !v)}>
            {showAddRole ? 'Close' : 'Add role'}
          </button>
        </div>
        {roles.error && <ErrorMessage error={roles.error} onRetry={roles.reload} />}
        {roles.data && (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Roles</caption>
              <thead>
                <tr>
                  <th scope="col">Role</th>
                  <th scope="col">Permissions</th>
                  <th scope="col">Device groups</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {roleList.map((role) => (
                  <tr key={role.id}>
                    <td>
                      <span className="strong">{role.name}</span>{' '}
                      {role.builtin && <Badge tone="neutral" label="Built-in" />}
                      <div className="muted small">{role.description}</div>
                    </td>
                    <td>
                      <span className="tag-list">
                        {role.permissions.map((p) => (
                          <span key={p} className="tag">
                            {p}
                          </span>
                        ))}
                      </span>
                    </td>
                    <td>{role.deviceGroups?.length ? role.deviceGroups.join(', ') : 'All devices'}</td>
                    <td>
                      {!role.builtin && (
                        <button
                          type="button"
                          className="button button-small button-danger"
                          onClick={() => deleteRole(role)}
                        >
                          Delete
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {showAddRole && roles.data && (
        <AddRoleForm
          permissions={roles.data.permissions}
          onAdded={(role) => {
            setMessage({ text: `Role ${role.name} added.`, ok: true });
            setShowAddRole(false);
            roles.reload();
          }}
        />
      )}
    </>
  );
}
