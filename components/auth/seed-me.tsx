'use client';

import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import type { Me } from './use-can';

/**
 * Puts the actor the server layout already resolved into the `auth.me` cache, so `useCan` answers on
 * the first render (no extra request, no buttons popping in) and later refetches keep it current.
 */
export function SeedMe({ me, children }: { me: Me; children: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useState(() => {
    const key = trpc.auth.me.queryKey();
    const cached = queryClient.getQueryData(key);
    if (!cached || cached.id !== me.id || cached.role !== me.role) queryClient.setQueryData(key, me);
  });
  return children;
}
