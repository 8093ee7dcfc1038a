import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CoachTone } from '@tt/shared';
import { useMemo, useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { authApi } from '../../api/auth.api';
import { fieldErrors } from '../../api/problem';
import { queryKeys } from '../../api/query-keys';
import { useCurrentUser } from '../../components/current-user';
import { SelectField, TextField } from '../../components/field';
import { FormError } from '../../components/states';
import { passwordLengthError } from '../../lib/password';

const TONES = [
  { value: 'supportive', label: 'Supportive' },
  { value: 'strict', label: 'Strict' },
];

function timeZones(current: string): { value: string; label: string }[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const all = zones.includes(current) ? zones : [current, ...zones];
  return (all.includes('UTC') ? all : ['UTC', ...all]).map((z) => ({
    value: z,
    label: z.replaceAll('_', ' '),
  }));
}

export function ProfileSection() {
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const [timeZone, setTimeZone] = useState(me.timeZone);
  const [tone, setTone] = useState<CoachTone>(me.tone);
  const zones = useMemo(() => timeZones(me.timeZone), [me.timeZone]);
  const save = useMutation({
    mutationFn: authApi.updateSettings,
    onSuccess: (updated) => {
      queryClient.setQueryData(queryKeys.me, updated);
      void queryClient.invalidateQueries({ queryKey: queryKeys.trades });
    },
  });
  const errors = fieldErrors(save.error);
  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate({ timeZone, tone });
  }
  return (
    <section className="card" aria-labelledby="profile-heading">
      <h2 id="profile-heading">Time zone and coaching</h2>
      <form onSubmit={submit} className="stack" noValidate>
        <p>
          Signed in as <strong>{me.email}</strong>
        </p>
        <SelectField
          label="Time zone"
          name="timeZone"
          hint="Sets your days and weeks for filters, rules and the weekly digest."
          value={timeZone}
          onChange={(e) => setTimeZone(e.target.value)}
          options={zones}
          error={errors.timeZone}
        />
        <SelectField
          label="Coaching tone"
          name="tone"
          value={tone}
          onChange={(e) => setTone(e.target.value as CoachTone)}
          options={TONES}
          error={errors.tone}
        />
        <FormError error={save.error} fields={['timeZone', 'tone']} />
        {save.isSuccess ? <p role="status">Saved.</p> : null}
        <button type="submit" className="button" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save settings'}
        </button>
      </form>
    </section>
  );
}

export function PasswordSection() {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [lengthError, setLengthError] = useState<string | undefined>();
  const change = useMutation({
    mutationFn: authApi.changePassword,
    onSuccess: () => {
      setCurrent('');
      setNew('');
    },
  });
  const errors = fieldErrors(change.error);
  function submit(event: FormEvent) {
    event.preventDefault();
    const tooShort = passwordLengthError(newPassword);
    setLengthError(tooShort);
    if (!tooShort) change.mutate({ currentPassword, newPassword });
  }
  return (
    <section className="card" aria-labelledby="password-heading">
      <h2 id="password-heading">Password</h2>
      <form onSubmit={submit} className="stack" noValidate>
        <TextField
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={(e) => setCurrent(e.target.value)}
          error={errors.currentPassword}
        />
        <TextField
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          hint="12 to 128 characters. Other devices are signed out."
          value={newPassword}
          onChange={(e) => setNew(e.target.value)}
          error={lengthError ?? errors.newPassword}
        />
        <FormError error={change.error} fields={['currentPassword', 'newPassword']} />
        {change.isSuccess ? <p role="status">Password changed.</p> : null}
        <button
          type="submit"
          className="button"
          disabled={change.isPending || !currentPassword || !newPassword}
        >
          Change password
        </button>
      </form>
    </section>
  );
}

export function DataSection() {
  const me = useCurrentUser();
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const exportData = useMutation({
    mutationFn: authApi.exportData,
    onSuccess: (data) => {
      const url = URL.createObjectURL(
        new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }),
      );
      const link = document.createElement('a');
      link.href = url;
      link.download = `trading-twin-export-${new Date().toISOString().slice(0, 10)}.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
  });
  const remove = useMutation({
    mutationFn: () => authApi.deleteAccount(password),
    onSuccess: () => {
      queryClient.clear();
      navigate('/signup', { replace: true });
    },
  });
  const errors = fieldErrors(remove.error);
  return (
    <section className="card" aria-labelledby="data-heading">
      <h2 id="data-heading">Your data</h2>
      <p>
        Download everything we hold about you as JSON: trades, tags, reflections, notes, rules and account
        activity.
      </p>
      <FormError error={exportData.error} />
      <button
        type="button"
        className="button secondary"
        onClick={() => exportData.mutate()}
        disabled={exportData.isPending}
      >
        {exportData.isPending ? 'Preparing…' : 'Export my data'}
      </button>
      <form
        className="stack danger-zone"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          remove.mutate();
        }}
      >
        <h3>Delete account</h3>
        <p>
          This deletes {me.email}, revokes exchange access and erases every trade, tag and note. It cannot be
          undone.
        </p>
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
        />
        <div className="field checkbox">
          <input
            id="confirm-delete"
            type="checkbox"
            checked={confirmed}
            onChange={(e) => setConfirmed(e.target.checked)}
          />
          <label htmlFor="confirm-delete">I understand my data will be erased</label>
        </div>
        <FormError error={remove.error} fields={['password']} />
        <button
          type="submit"
          className="button danger"
          disabled={!password || !confirmed || remove.isPending}
        >
          {remove.isPending ? 'Deleting…' : 'Delete my account'}
        </button>
      </form>
    </section>
  );
}
