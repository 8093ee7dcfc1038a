import { useQuery } from '@tanstack/react-query';
import type { BrokerConnectionDto } from '@tt/shared';
import { useState } from 'react';
import { useSearchParams } from 'wouter';
import { brokersApi } from '../../api/brokers.api';
import { queryKeys } from '../../api/query-keys';
import { PageHeading } from '../../components/page-heading';
import { ErrorState, Loading } from '../../components/states';
import { BinanceConnect, CoinbaseConnect, CsvUpload } from './broker-forms';
import { ImportPanel } from './import-panel';

const BROKER_NAMES = { coinbase: 'Coinbase', binance: 'Binance' } as const;
const STATUS_WORDS = {
  active: 'connected',
  paused: 'paused',
  revoked: 'disconnected',
  error: 'needs attention',
} as const;

/** What the OAuth callback said, from `/connect?connected=coinbase` or `/connect?error=…&reason=…`. */
function CallbackBanner() {
  const [params] = useSearchParams();
  const connected = params.get('connected');
  const error = params.get('error');
  if (connected) {
    const name = BROKER_NAMES[connected as keyof typeof BROKER_NAMES] ?? connected;
    return (
      <div className="banner banner-success" role="status">
        <p>{name} is connected, read-only. Import your trades below.</p>
      </div>
    );
  }
  if (error) {
    return (
      <div className="banner banner-error" role="alert">
        <p>
          Nothing was connected. {params.get('reason') ?? 'The exchange did not complete the connection.'}{' '}
          <span className="muted">({error})</span>
        </p>
      </div>
    );
  }
  return null;
}

function ConnectionSummary({ connections }: { connections: BrokerConnectionDto[] }) {
  if (connections.length === 0) return <p>No exchange connected yet. Pick one below.</p>;
  return (
    <ul className="plain-list">
      {connections.map((c) => (
        <li key={c.broker}>
          <strong>{BROKER_NAMES[c.broker]}</strong>: {STATUS_WORDS[c.status]}
          {c.lastError ? <span className="loss"> · {c.lastError.message}</span> : null}
        </li>
      ))}
    </ul>
  );
}

export default function ConnectPage() {
  const brokers = useQuery({ queryKey: queryKeys.brokers, queryFn: brokersApi.list });
  const [startedId, setStartedId] = useState<string | null>(null);
  const connections = brokers.data ?? [];
  const active = connections.filter((c) => c.status === 'active');
  return (
    <>
      <PageHeading title="Connect & import" />
      <CallbackBanner />
      <section className="card" aria-labelledby="connections-heading">
        <h2 id="connections-heading">Your exchanges</h2>
        {brokers.isPending ? (
          <Loading />
        ) : brokers.isError ? (
          <ErrorState error={brokers.error} onRetry={() => void brokers.refetch()} />
        ) : (
          <ConnectionSummary connections={connections} />
        )}
      </section>
      <ImportPanel canImport={active.length > 0} startedId={startedId} onStarted={setStartedId} />
      <div className="grid-2">
        <CoinbaseConnect
          connected={connections.some((c) => c.broker === 'coinbase' && c.status !== 'revoked')}
        />
        <BinanceConnect />
      </div>
      <CsvUpload onImport={setStartedId} />
    </>
  );
}
