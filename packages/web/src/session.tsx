import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { ApiError, api, setCsrfToken, setUnauthenticatedHandler } from './api/client.js';
import type { LoginResponse, Me, Permission } from './api/types.js';
import { navigate } from './router.js';

interface Session {
  me: Me | null;
  /** True until GET /auth/me has answered once. */
  checking: boolean;
  can: (permission: Permission) => boolean;
  signIn: (username: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function loginPath(): string {
  const here = window.location.pathname + window.location.search;
  return here.startsWith('/login') || here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`;
}

/** Where to go after signing in: the page that sent the user to /login, never another origin. */
export function afterLogin(search: URLSearchParams): string {
  const next = search.get('next');
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(true);

  const refresh = useCallback(async () => {
    try {
      const current = await api.get<Me>('/auth/me');
      setCsrfToken(current.csrfToken);
      setMe(current);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      setMe(null);
    } finally {
      setChecking(false);
    }
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setMe(null);
      setCsrfToken(null);
      if (!window.location.pathname.startsWith('/login')) navigate(loginPath(), { replace: true });
    });
    refresh().catch(() => setChecking(false));
  }, [refresh]);

  const signIn = useCallback(
    async (username: string, password: string) => {
      const result = await api.post<LoginResponse>('/auth/login', { username, password });
      setCsrfToken(result.csrfToken);
      await refresh();
    },
    [refresh],
  );

  const signOut = useCallback(async () => {
    try {
      await api.post('/auth/logout');
    } finally {
      setCsrfToken(null);
      setMe(null);
      navigate('/login');
    }
  }, []);

  const can = useCallback((permission: Permission) => me?.permissions.includes(permission) ?? false, [me]);

  return (
    <SessionContext.Provider value={{ me, checking, can, signIn, signOut }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
