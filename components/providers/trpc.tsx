'use client';

/**
 * tRPC client wiring for client components: `useTRPC()` gives typed `queryOptions` / `mutationOptions`
 * factories for TanStack Query (see @trpc/tanstack-react-query). One QueryClient per browser tab; a fresh
 * one per server render so nothing leaks between requests. Subscriptions (live pages) use server-sent events
 * on the same endpoint, with the session cookie like every other call; everything else is batched HTTP.
 */
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, isTRPCClientError, splitLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import superjson from 'superjson';
import type { AppRouter } from '@/server/api/root';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** The HTTP status behind a failed tRPC call, if the server answered one. */
export function httpStatusOf(error: unknown): number | undefined {
  if (!isTRPCClientError(error)) return undefined;
  const status = (error.data as { httpStatus?: unknown } | null | undefined)?.httpStatus;
  return typeof status === 'number' ? status : undefined;
}

/** 4xx answers will not change on retry (bad input, forbidden, not found); network and 5xx might. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  const status = httpStatusOf(error);
  if (status !== undefined && status >= 400 && status < 500) return false;
  return failureCount < 2;
}

/** A session that expired mid-use: send the user to sign in again and come back here afterwards. */
function redirectToLoginOn401(error: unknown) {
  if (typeof window === 'undefined' || httpStatusOf(error) !== 401) return;
  if (window.location.pathname.startsWith('/login')) return;
  const back = `${window.location.pathname}${window.location.search}`;
  window.location.assign(`/login?callbackUrl=${encodeURIComponent(back)}`);
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: redirectToLoginOn401 }),
    mutationCache: new MutationCache({ onError: redirectToLoginOn401 }),
    defaultOptions: {
      queries: { staleTime: 5_000, retry: shouldRetry, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

export function getQueryClient(): QueryClient {
  if (typeof window === 'undefined') return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}

function trpcUrl(): string {
  if (typeof window !== 'undefined') return '/api/trpc';
  // Only reached if a query ever runs during server rendering; useQuery does not fetch there.
  return `http://127.0.0.1:${process.env.PORT ?? 3000}/api/trpc`;
}

export function makeTRPCClient() {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url: trpcUrl(), transformer: superjson }),
        false: httpBatchLink({
          url: trpcUrl(),
          transformer: superjson,
          // Queries issued in the same tick share one request; keep GET URLs within what proxies accept.
          maxURLLength: 2083,
        }),
      }),
    ],
  });
}
