import { useQuery } from '@tanstack/react-query';
import type { Me } from '@tt/shared';
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { useLocation } from 'wouter';
import { authApi } from '../api/auth.api';
import { ApiError } from '../api/problem';
import { queryKeys } from '../api/query-keys';
import { ErrorState, Loading } from './states';

const CurrentUserContext = createContext<Me | null>(null);

/** The signed-in trader; only inside `RequireUser`. */
export function useCurrentUser(): Me {
  const me = useContext(CurrentUserContext);
  if (!me) throw new Error('useCurrentUser is used outside RequireUser');
  return me;
}

export function loginPath(next: string): string {
  return next && next !== '/' && !next.startsWith('/login')
    ? `/login?${new URLSearchParams({ next })}`
    : '/login';
}

/** Renders its children for a signed-in trader; anyone else goes to /login and comes back after. */
export function RequireUser({ children }: { children: ReactNode }) {
  const [location, navigate] = useLocation();
  const me = useQuery({ queryKey: queryKeys.me, queryFn: authApi.me, staleTime: 5 * 60_000 });
  const signedOut = me.error instanceof ApiError && me.error.status === 401;

  useEffect(() => {
    if (signedOut) navigate(loginPath(location + window.location.search), { replace: true });
  }, [signedOut, location, navigate]);

  if (me.data) return <CurrentUserContext.Provider value={me.data}>{children}</CurrentUserContext.Provider>;
  if (me.isError && !signedOut) {
    return (
      <main id="main" className="page">
        <ErrorState error={me.error} onRetry={() => void me.refetch()} title="Trading Twin could not start" />
      </main>
    );
  }
  return (
    <main id="main" className="page">
      <Loading />
    </main>
  );
}
