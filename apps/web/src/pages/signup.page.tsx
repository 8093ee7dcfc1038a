import { useMutation } from '@tanstack/react-query';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@tt/shared';
import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { authApi } from '../api/auth.api';
import { ApiError, errorMessage, fieldErrors } from '../api/problem';
import { TextField } from '../components/field';
import { PageHeading } from '../components/page-heading';
import { FormError } from '../components/states';
import { passwordLengthError } from '../lib/password';

export default function SignupPage() {
  const [, navigate] = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [checked, setChecked] = useState(false);
  const signup = useMutation({
    mutationFn: authApi.signup,
    // Signing up does not sign in: the trader signs in once, with the password just chosen.
    onSuccess: (me) => navigate('/login', { replace: true, state: { createdEmail: me.email } }),
  });
  const server = fieldErrors(signup.error);
  // "Too common" and similar come as a problem without field errors; they belong beside the password.
  const rejected =
    signup.error instanceof ApiError && signup.error.code === 'AUTH.PASSWORD_REJECTED'
      ? errorMessage(signup.error)
      : undefined;
  const lengthError = checked ? passwordLengthError(password) : undefined;

  function submit(event: FormEvent) {
    event.preventDefault();
    setChecked(true);
    if (passwordLengthError(password)) return;
    signup.mutate({ email, password });
  }

  return (
    <>
      <PageHeading title="Create your account" />
      <p>Connect your exchange read-only and see the habits behind your trades. We never place orders.</p>
      <form onSubmit={submit} noValidate className="stack">
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={server.email}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          hint={`${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters. A long phrase is easier to remember than symbols.`}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={lengthError ?? server.password ?? rejected}
        />
        {rejected ? null : <FormError error={signup.error} fields={['email', 'password']} />}
        <button type="submit" className="button" disabled={signup.isPending}>
          {signup.isPending ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link href="/login">Sign in</Link>
      </p>
    </>
  );
}
