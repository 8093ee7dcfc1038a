import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { authApi } from '../api/auth.api';
import { useLive } from '../realtime/live-context';
import { useCurrentUser } from './current-user';

const NAV = [
  { href: '/trades', label: 'Trades' },
  { href: '/connect', label: 'Connect & import' },
  { href: '/digest', label: 'Weekly digest' },
  { href: '/rules', label: 'Rules' },
  { href: '/settings', label: 'Settings' },
] as const;

const STATUS_TEXT = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  closed: 'Not live',
} as const;

function LiveStatus() {
  const { status } = useLive();
  return (
    <p className={`live-status live-${status}`} role="status">
      <span className="live-dot" aria-hidden="true" />
      {STATUS_TEXT[status]}
    </p>
  );
}

function SyncNotice() {
  const { notice, dismissNotice } = useLive();
  if (!notice) return null;
  return (
    <div className="notice" role="status">
      <p>{notice}</p>
      <button type="button" className="button secondary small" onClick={dismissNotice}>
        Dismiss
      </button>
    </div>
  );
}

/** The signed-in frame: skip link, navigation, live status, sign-out, and the page. */
export function AppShell({ children }: { children: ReactNode }) {
  const me = useCurrentUser();
  const [location, navigate] = useLocation();
  const queryClient = useQueryClient();
  const live = useLive();
  const logout = useMutation({
    mutationFn: () => {
      live.disconnect();
      return authApi.logout();
    },
    onSettled: () => {
      queryClient.clear();
      navigate('/login', { replace: true });
    },
  });
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link href="/trades" className="brand">
          Trading Twin
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.href}>
                <Link href={item.href} aria-current={location.startsWith(item.href) ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="header-end">
          <LiveStatus />
          <span className="muted user-email">{me.email}</span>
          <button
            type="button"
            className="button secondary small"
            onClick={() => logout.mutate()}
            disabled={logout.isPending}
          >
            Sign out
          </button>
        </div>
      </header>
      <SyncNotice />
      <main id="main" className="page" tabIndex={-1}>
        {children}
      </main>
      <footer className="app-footer">
        <p>Trading Twin reads your trades only. It never places orders and does not give financial advice.</p>
      </footer>
    </>
  );
}
