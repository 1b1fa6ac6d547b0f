'use client';

import { useQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useTRPC } from '@/components/providers/trpc';
import type { AppRouter } from '@/server/api/root';
import type { Scope } from '@/server/auth/access';

/** `auth.me`: the signed-in actor plus the scopes their role holds. */
export type Me = inferRouterOutputs<AppRouter>['auth']['me'];

/** The signed-in user. The (app) layout seeds this from the server, so it is normally instant. */
export function useMe() {
  const trpc = useTRPC();
  return useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
}

/**
 * Whether the signed-in user's role holds `scope`; false while unknown. The UI only hides what a role
 * cannot do; the server refuses it regardless.
 */
export function useCan(scope: Scope): boolean {
  const { data } = useMe();
  return !!data?.scopes.includes(scope);
}
