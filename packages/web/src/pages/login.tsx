import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client.js';
import { useSession } from '../session.js';

export function LoginPage() {
  const { signIn } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // On success the session changes and the app redirects to the page that was asked for.
      await signIn(username, password);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 429) {
        const wait = failure.retryAfterSeconds;
        setError(
          `Too many failed sign-in attempts. Try again ${wait ? `in ${Math.ceil(wait / 60)} min` : 'later'}.`,
        );
      } else if (failure instanceof ApiError && failure.status === 401) {
        setError('Wrong user name or password, or the account is disabled.');
      } else {
        setError(failure instanceof Error ? failure.message : 'Sign-in failed.');
      }
      setBusy(false);
    }
  };

  return (
    <div className="login-screen">
      <form className="login-card" onSubmit={submit}>
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          mde-bridge
        </div>
        <h1>Sign in</h1>
        <p className="muted">Microsoft Defender for Endpoint bridge</p>
        {error && (
          <div className="notice notice-error" role="alert">
            {error}
          </div>
        )}
        <div className="field">
          <label htmlFor="login-username">Username</label>
          <input
            id="login-username"
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="login-password">Password</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </div>
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
