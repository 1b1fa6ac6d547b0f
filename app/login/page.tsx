import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getCurrentActor } from '@/components/auth/current-actor';
import { getEnv } from '@/server/env';
import { LoginForm } from '@/components/auth/login-form';
import { safeCallbackPath } from '@/components/auth/safe-callback';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

/** next-auth's error codes on /login?error=…, in words. */
const errorText: Record<string, string> = {
  CredentialsSignin: 'Invalid email or password',
  AccessDenied: 'This account may not sign in (it may be disabled).',
  SessionRequired: 'Sign in to continue.',
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const env = getEnv();
  const callbackPath = safeCallbackPath(first(params.callbackUrl), await siteOrigin(env.NEXTAUTH_URL));

  // Already signed in (e.g. the back button): go where they were headed.
  const actor = await getCurrentActor().catch(() => null);
  if (actor) redirect(callbackPath);

  const errorCode = first(params.error);
  const initialError = errorCode ? (errorText[errorCode] ?? `Sign-in failed (${errorCode}). Try again or ask an admin.`) : null;

  return (
    <div className="login-page">
      <div className="login-card">
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">
            NW
          </span>
          <span>NeuroWeaver</span>
        </div>
        <h1 className="login-title">Sign in</h1>
        <LoginForm callbackPath={callbackPath} oidcName={env.oidcEnabled ? env.OIDC_NAME : null} initialError={initialError} />
        <p className="login-note">Demo users are listed in the README.</p>
      </div>
    </div>
  );
}

/** This site's origin (next-auth passes absolute callback URLs on it): NEXTAUTH_URL, else the Host header. */
async function siteOrigin(nextAuthUrl: string | undefined): Promise<string | undefined> {
  try {
    if (nextAuthUrl) return new URL(nextAuthUrl).origin;
    const h = await headers();
    const host = h.get('x-forwarded-host') ?? h.get('host');
    if (!host) return undefined;
    const proto = h.get('x-forwarded-proto')?.split(',')[0]?.trim() ?? 'http';
    return new URL(`${proto}://${host}`).origin;
  } catch {
    return undefined;
  }
}
