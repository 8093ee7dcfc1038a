import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useLocation, useSearchParams } from 'wouter';
import { authApi } from '../api/auth.api';
import { fieldErrors } from '../api/problem';
import { queryKeys } from '../api/query-keys';
import { TextField } from '../components/field';
import { PageHeading } from '../components/page-heading';
import { FormError } from '../components/states';
import { safeNext } from '../lib/safe-next';

export default function LoginPage() {
  const [, navigate] = useLocation();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  // Set by the sign-up page through history state, never the URL (an address ends up in logs and history).
  const createdEmail = (window.history.state as { createdEmail?: unknown } | null)?.createdEmail;
  const [email, setEmail] = useState(typeof createdEmail === 'string' ? createdEmail : '');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: authApi.login,
    onSuccess: (me) => {
      queryClient.setQueryData(queryKeys.me, me);
      navigate(safeNext(params.get('next'), typeof createdEmail === 'string' ? '/connect' : '/trades'), {
        replace: true,
      });
    },
  });
  const errors = fieldErrors(login.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    login.mutate({ email, password });
  }

  return (
    <>
      <PageHeading title="Sign in" />
      {typeof createdEmail === 'string' ? (
        <p className="banner banner-success" role="status">
          Your account is ready. Sign in to connect your exchange.
        </p>
      ) : (
        <p>Welcome back. Your coach has been watching the market with you.</p>
      )}
      <form onSubmit={submit} noValidate className="stack">
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.email}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
        />
        <FormError error={login.error} fields={['email', 'password']} />
        <button type="submit" className="button" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        New here? <Link href="/signup">Create an account</Link>
      </p>
    </>
  );
}
