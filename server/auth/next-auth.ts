import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { getEnv } from '@/server/env';
import { logger } from '@/server/logger';
import { upsertOidcUser, verifyCredentials } from './users';

/** next-auth configuration: credentials always, OIDC when OIDC_ISSUER/CLIENT_ID/CLIENT_SECRET are set. */
export function authOptions(): NextAuthOptions {
  const env = getEnv();
  const providers: NextAuthOptions['providers'] = [
    CredentialsProvider({
      name: 'Email and password',
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials) {
        if (!credentials?.email || !credentials.password) return null;
        const user = await verifyCredentials(credentials.email, credentials.password);
        if (!user) {
          logger.info({ email: credentials.email }, 'sign-in refused');
          return null;
        }
        return { id: user.id, email: user.email, name: user.name, role: user.role };
      },
    }),
  ];
  if (env.oidcEnabled) {
    providers.push({
      id: 'oidc',
      name: env.OIDC_NAME,
      type: 'oauth',
      wellKnown: `${env.OIDC_ISSUER!.replace(/\/$/, '')}/.well-known/openid-configuration`,
      clientId: env.OIDC_CLIENT_ID,
      clientSecret: env.OIDC_CLIENT_SECRET,
      authorization: { params: { scope: 'openid email profile' } },
      idToken: true,
      checks: ['pkce', 'state'],
      profile(profile: { sub: string; email: string; name?: string }) {
        return { id: profile.sub, email: profile.email, name: profile.name ?? profile.email };
      },
    });
  }
  return {
    secret: env.NEXTAUTH_SECRET,
    session: { strategy: 'jwt', maxAge: 12 * 60 * 60 },
    pages: { signIn: '/login' },
    providers,
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== 'oidc') return true;
        if (!user.email) return false;
        const local = await upsertOidcUser({ subject: account.providerAccountId, email: user.email, name: user.name ?? undefined }, env.OIDC_DEFAULT_ROLE);
        if (!local) return false;
        (user as { localId?: string }).localId = local.id;
        return true;
      },
      async jwt({ token, user }) {
        if (user) token.sub = (user as { localId?: string }).localId ?? user.id;
        return token;
      },
      async session({ session, token }) {
        // The role is read fresh per request on the server (actorForUser); the session only names the user.
        if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
        return session;
      },
    },
  };
}
