import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { BrokerConnectionDto } from '@tt/shared';
import { authApi } from '../../api/auth.api';
import { brokersApi } from '../../api/brokers.api';
import { queryKeys } from '../../api/query-keys';
import { useCurrentUser } from '../../components/current-user';
import { EmptyState, ErrorState, FormError, Loading } from '../../components/states';
import { formatDateTime } from '../../lib/format';

export function SessionsSection() {
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: queryKeys.sessions, queryFn: authApi.sessions });
  const revoke = useMutation({
    mutationFn: authApi.revokeSession,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.sessions }),
  });
  return (
    <section className="card" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Signed-in devices</h2>
      {sessions.isPending ? (
        <Loading />
      ) : sessions.isError ? (
        <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />
      ) : (
        <ul className="plain-list">
          {sessions.data.items.map((s) => (
            <li key={s.id} className="list-row">
              <span>
                {s.current ? <strong>This device</strong> : 'Another device'} · signed in{' '}
                {formatDateTime(s.createdAt, me.timeZone, true)} · last seen{' '}
                {formatDateTime(s.lastSeenAt, me.timeZone)}
              </span>
              {s.current ? null : (
                <button
                  type="button"
                  className="button secondary small"
                  onClick={() => revoke.mutate(s.id)}
                  disabled={revoke.isPending}
                >
                  Sign out this device
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <FormError error={revoke.error} />
    </section>
  );
}

const BROKER_NAMES = { coinbase: 'Coinbase', binance: 'Binance' } as const;

function BrokerRow({ connection }: { connection: BrokerConnectionDto }) {
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const name = BROKER_NAMES[connection.broker];
  const refresh = () => void queryClient.invalidateQueries({ queryKey: queryKeys.brokers });
  const pause = useMutation({ mutationFn: () => brokersApi.pause(connection.broker), onSuccess: refresh });
  const resume = useMutation({ mutationFn: () => brokersApi.resume(connection.broker), onSuccess: refresh });
  const disconnect = useMutation({
    mutationFn: () => brokersApi.disconnect(connection.broker),
    onSuccess: refresh,
  });
  const busy = pause.isPending || resume.isPending || disconnect.isPending;
  return (
    <li className="list-row">
      <span>
        <strong>{name}</strong>: {connection.status}
        {connection.lastSyncAt
          ? ` · last synced ${formatDateTime(connection.lastSyncAt, me.timeZone)}`
          : ' · never synced'}
        {connection.lastError ? <span className="loss"> · {connection.lastError.message}</span> : null}
      </span>
      <span className="row-actions">
        {connection.status === 'active' ? (
          <button
            type="button"
            className="button secondary small"
            onClick={() => pause.mutate()}
            disabled={busy}
          >
            Pause {name}
          </button>
        ) : null}
        {connection.status === 'paused' ? (
          <button
            type="button"
            className="button secondary small"
            onClick={() => resume.mutate()}
            disabled={busy}
          >
            Resume {name}
          </button>
        ) : null}
        {connection.status !== 'revoked' ? (
          <button
            type="button"
            className="button danger small"
            disabled={busy}
            onClick={() => {
              if (window.confirm(`Disconnect ${name}? Its access is revoked; your imported trades stay.`))
                disconnect.mutate();
            }}
          >
            Disconnect {name}
          </button>
        ) : null}
      </span>
      <FormError error={pause.error ?? resume.error ?? disconnect.error} />
    </li>
  );
}

export function BrokersSection() {
  const brokers = useQuery({ queryKey: queryKeys.brokers, queryFn: brokersApi.list });
  return (
    <section className="card" aria-labelledby="brokers-heading">
      <h2 id="brokers-heading">Exchange connections</h2>
      {brokers.isPending ? (
        <Loading />
      ) : brokers.isError ? (
        <ErrorState error={brokers.error} onRetry={() => void brokers.refetch()} />
      ) : brokers.data.length === 0 ? (
        <EmptyState title="No exchange connected" />
      ) : (
        <ul className="plain-list">
          {brokers.data.map((c) => (
            <BrokerRow key={c.broker} connection={c} />
          ))}
        </ul>
      )}
    </section>
  );
}

const AUDIT_WORDS: Record<string, string> = {
  signup: 'Account created',
  'login.success': 'Signed in',
  'login.failure': 'Failed sign-in',
  logout: 'Signed out',
  'session.revoke': 'Device signed out',
  'password.change': 'Password changed',
  'settings.change': 'Settings changed',
  'broker.connect': 'Exchange connected',
  'broker.pause': 'Exchange paused',
  'broker.resume': 'Exchange resumed',
  'broker.disconnect': 'Exchange disconnected',
  'import.start': 'Import started',
  export: 'Data exported',
  'account.delete': 'Account deleted',
};

export function AuditSection() {
  const me = useCurrentUser();
  const audit = useQuery({ queryKey: queryKeys.audit, queryFn: authApi.audit });
  return (
    <section className="card" aria-labelledby="audit-heading">
      <h2 id="audit-heading">Recent account activity</h2>
      {audit.isPending ? (
        <Loading />
      ) : audit.isError ? (
        <ErrorState error={audit.error} onRetry={() => void audit.refetch()} />
      ) : audit.data.items.length === 0 ? (
        <EmptyState title="No activity yet" />
      ) : (
        <ul className="plain-list">
          {audit.data.items.map((entry) => (
            <li key={entry.id}>
              {formatDateTime(entry.createdAt, me.timeZone)} · {AUDIT_WORDS[entry.action] ?? entry.action}
              {typeof entry.meta.broker === 'string' ? ` (${entry.meta.broker})` : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
