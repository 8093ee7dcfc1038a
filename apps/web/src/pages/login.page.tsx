import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useLocation, useSearchParams } from 'wouter';
import { authApi } from '../api/auth.api';
import { fieldErrors } from '../api/problem';
import { queryKeys } from '../api/query-keys';
import { TextField } from '../components/field';
import { PageHeading } from '../components/page-heading';
import { FormError } from '../components/states';

/** Only our own pages: an absolute or protocol-relative `next` would be an open redirect. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/trades';
}

export default function LoginPage() {
  const [, navigate] = useLocation();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: authApi.login,
    onSuccess: (me) => {
      queryClient.setQueryData(queryKeys.me, me);
      navigate(safeNext(params.get('next')), { replace: true });
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
      <p>Welcome back. Your coach has been watching the market with you.</p>
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
