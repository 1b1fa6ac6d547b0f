'use client';

import { signIn } from 'next-auth/react';
import { type FormEvent, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Field, FormError } from '@/components/ui/field';

export interface LoginFormProps {
  /** Same-site path to open after signing in (already checked on the server). */
  callbackPath: string;
  /** Label of the OIDC provider, or null when OIDC is not configured. */
  oidcName: string | null;
  /** Error from a previous attempt (next-auth's ?error=…). */
  initialError: string | null;
}

export function LoginForm({ callbackPath, oidcName, initialError }: LoginFormProps) {
  const [error, setError] = useState<string | null>(initialError);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    // Read the form itself rather than React state: password managers fill fields without change events.
    const form = new FormData(e.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (!email || !password) {
      setError('Enter your email and password');
      return;
    }
    setPending(true);
    setError(null);
    try {
      const result = await signIn('credentials', { redirect: false, email, password, callbackUrl: callbackPath });
      if (!result || result.error || !result.ok) {
        const unexpected = result?.error && result.error !== 'CredentialsSignin' && result.status !== 401;
        setError(unexpected ? `Sign-in failed (${result.error}). Try again.` : 'Invalid email or password');
        setPending(false);
        return;
      }
      // A full navigation, so server components render with the new session cookie.
      window.location.assign(callbackPath);
    } catch {
      setError('Cannot reach the server. Check your connection and try again.');
      setPending(false);
    }
  }

  return (
    <div className="login-form-wrap">
      <form className="form" onSubmit={onSubmit} noValidate>
        <FormError>{error}</FormError>
        <Field label="Email">
          <input className="input" type="email" name="email" autoComplete="username" autoFocus required />
        </Field>
        <Field label="Password">
          <input className="input" type="password" name="password" autoComplete="current-password" required />
        </Field>
        <Button type="submit" variant="primary" pending={pending} className="btn-block">
          Sign in
        </Button>
      </form>
      {oidcName && (
        <>
          <div className="login-divider">
            <span>or</span>
          </div>
          <Button className="btn-block" disabled={pending} onClick={() => void signIn('oidc', { callbackUrl: callbackPath })}>
            Sign in with {oidcName}
          </Button>
        </>
      )}
    </div>
  );
}
