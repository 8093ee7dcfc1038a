import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { brokersApi } from '../../api/brokers.api';
import { fieldErrors } from '../../api/problem';
import { queryKeys } from '../../api/query-keys';
import { csvFileProblem } from '../../lib/csv-file-check';
import { SelectField, TextField } from '../../components/field';
import { FormError } from '../../components/states';

export function CoinbaseConnect({ connected }: { connected: boolean }) {
  const start = useMutation({
    mutationFn: brokersApi.startCoinbase,
    // The consent page is Coinbase's (the sandbox's, here); it sends the browser back to /connect.
    onSuccess: ({ url }) => window.location.assign(url),
  });
  return (
    <section className="card" aria-labelledby="coinbase-heading">
      <h2 id="coinbase-heading">Coinbase</h2>
      <p>
        Sign in on Coinbase and allow <strong>read access</strong> to your trade history. We never ask for
        permission to trade or withdraw.
      </p>
      <FormError error={start.error} />
      <button type="button" className="button" onClick={() => start.mutate()} disabled={start.isPending}>
        {start.isPending ? 'Opening Coinbase…' : connected ? 'Reconnect Coinbase' : 'Connect Coinbase'}
      </button>
    </section>
  );
}

export function BinanceConnect() {
  const queryClient = useQueryClient();
  const [apiKey, setApiKey] = useState('');
  const [apiSecret, setApiSecret] = useState('');
  const connect = useMutation({
    mutationFn: brokersApi.connectBinance,
    onSuccess: () => {
      setApiSecret('');
      void queryClient.invalidateQueries({ queryKey: queryKeys.brokers });
    },
  });
  const errors = fieldErrors(connect.error);
  function submit(event: FormEvent) {
    event.preventDefault();
    connect.mutate({ apiKey: apiKey.trim(), apiSecret: apiSecret.trim() });
  }
  return (
    <section className="card" aria-labelledby="binance-heading">
      <h2 id="binance-heading">Binance</h2>
      <p>
        Create an API key on Binance with <strong>only “Enable Reading”</strong> ticked. Leave spot trading,
        margin and withdrawals <strong>disabled</strong>: we check, and refuse a key that could trade or
        withdraw.
      </p>
      <form onSubmit={submit} className="stack" noValidate>
        <TextField
          label="API key"
          name="apiKey"
          autoComplete="off"
          spellCheck={false}
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
          error={errors.apiKey}
        />
        <TextField
          label="Secret key"
          name="apiSecret"
          type="password"
          autoComplete="off"
          hint="Stored encrypted; never shown again."
          value={apiSecret}
          onChange={(e) => setApiSecret(e.target.value)}
          error={errors.apiSecret}
        />
        <FormError error={connect.error} fields={['apiKey', 'apiSecret']} />
        {connect.isSuccess ? (
          <p role="status" className="gain">
            Binance is connected, read-only.
          </p>
        ) : null}
        <button type="submit" className="button" disabled={connect.isPending || !apiKey || !apiSecret}>
          {connect.isPending ? 'Checking the key…' : 'Connect Binance'}
        </button>
      </form>
    </section>
  );
}

const CSV_BROKERS = [
  { value: 'coinbase', label: 'Coinbase (fills export)' },
  { value: 'binance', label: 'Binance (trade history export)' },
] as const;

export function CsvUpload({ onImport }: { onImport: (importId: string) => void }) {
  const queryClient = useQueryClient();
  const [broker, setBroker] = useState<'coinbase' | 'binance'>('coinbase');
  const [file, setFile] = useState<File | null>(null);
  const fileProblem = file ? csvFileProblem(file) : undefined;
  const upload = useMutation({
    mutationFn: ({ b, f }: { b: 'coinbase' | 'binance'; f: File }) => brokersApi.uploadCsv(b, f),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.imports });
      if (result.importId) onImport(result.importId);
    },
  });
  const rowErrors = Object.entries(fieldErrors(upload.error));
  function submit(event: FormEvent) {
    event.preventDefault();
    if (file && !fileProblem) upload.mutate({ b: broker, f: file });
  }
  return (
    <section className="card" aria-labelledby="csv-heading">
      <h2 id="csv-heading">Upload a CSV export</h2>
      <p>No API access? Export your fills from the exchange and upload the file.</p>
      <form onSubmit={submit} className="stack" noValidate>
        <SelectField
          label="Exported from"
          name="broker"
          value={broker}
          onChange={(e) => setBroker(e.target.value as 'coinbase' | 'binance')}
          options={CSV_BROKERS}
        />
        <TextField
          label="CSV file"
          name="file"
          type="file"
          accept=".csv,text/csv"
          error={fileProblem}
          onChange={(e) => {
            upload.reset();
            setFile(e.target.files?.[0] ?? null);
          }}
        />
        {rowErrors.length > 0 ? (
          <div role="alert" className="form-error">
            <p>Some rows could not be read:</p>
            <ul>
              {rowErrors.map(([row, message]) => (
                <li key={row}>
                  {row}: {message}
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <FormError error={upload.error} />
        )}
        {upload.isSuccess ? <p role="status">File received; the import is running below.</p> : null}
        <button
          type="submit"
          className="button secondary"
          disabled={!file || !!fileProblem || upload.isPending}
        >
          {upload.isPending ? 'Uploading…' : 'Upload CSV'}
        </button>
      </form>
    </section>
  );
}
