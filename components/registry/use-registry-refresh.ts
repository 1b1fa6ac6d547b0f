'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useTRPC } from '@/components/providers/trpc';

/** After a registry change: refetch every registry query (lists, aliases, timeline, approvals). */
export function useRegistryRefresh(): () => Promise<void> {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(() => queryClient.invalidateQueries(trpc.registry.pathFilter()), [queryClient, trpc]);
}
