/**
 * Where to go after signing in: a path on this site only (never another origin, so the login page
 * cannot be used as an open redirect). next-auth may hand us an absolute URL on our own origin; given
 * that `origin`, such URLs are accepted and reduced to their path.
 */
export function safeCallbackPath(raw: string | null | undefined, origin?: string): string {
  const fallback = '/models';
  if (!raw) return fallback;
  if (raw.startsWith('/') && !raw.startsWith('//') && !raw.startsWith('/\\')) {
    return raw.startsWith('/login') ? fallback : raw;
  }
  if (!origin) return fallback;
  try {
    const url = new URL(raw);
    if (url.origin !== origin || url.pathname.startsWith('/login')) return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}
