'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useRef, useState } from 'react';
import { httpStatusOf, useTRPC } from '@/components/providers/trpc';

/**
 * Live pages: a tRPC subscription (server-sent events, server/training/live.ts) pushes each change into the
 * TanStack Query cache, so the components keep reading their ordinary queries. Their slow poll is only the
 * safety net for a push that got lost.
 */

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'off';

/** After an error the browser will not retry by itself (the server or the network went away): try again after this. */
const RESUBSCRIBE_AFTER_MS = 10_000;
/**
 * A reconnect shorter than this does not flash "reconnecting": each stream ends after 10 minutes on purpose
 * (server/api/trpc.ts) and the browser's EventSource comes back about 3 s later.
 */
const RECONNECTING_GRACE_MS = 5_000;

function useLiveState(sub: { status: 'idle' | 'connecting' | 'pending' | 'error'; error: unknown; reset: () => void }): LiveState {
  const [wasLive, setWasLive] = useState(false);
  const [graceOver, setGraceOver] = useState(false);
  const { status, error, reset } = sub;

  useEffect(() => {
    if (status === 'pending') setWasLive(true);
  }, [status]);

  useEffect(() => {
    if (status !== 'connecting' || !wasLive) return;
    const timer = setTimeout(() => setGraceOver(true), RECONNECTING_GRACE_MS);
    return () => {
      clearTimeout(timer);
      setGraceOver(false);
    };
  }, [status, wasLive]);

  useEffect(() => {
    if (status !== 'error') return;
    // A 4xx (signed out, no access, no such pipeline) will not change by retrying; the page's queries say why.
    const httpStatus = httpStatusOf(error);
    if (httpStatus !== undefined && httpStatus >= 400 && httpStatus < 500) return;
    const timer = setTimeout(reset, RESUBSCRIBE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [status, error, reset]);

  switch (status) {
    case 'pending':
      return 'live';
    case 'connecting':
      if (!wasLive) return 'connecting';
      return graceOver ? 'reconnecting' : 'live';
    default:
      return 'off';
  }
}

/** Keeps a pipeline's status (and, when they change, its metrics, logs and judge results) up to date. */
export function useLivePipeline(id: string): LiveState {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sub = useSubscription(
    trpc.training.live.subscriptionOptions(
      { id },
      {
        onData: ({ data }) => {
          queryClient.setQueryData(trpc.training.status.queryKey({ id }), data.status);
          const changed = new Set(data.changed);
          if (changed.has('metrics')) void queryClient.invalidateQueries({ queryKey: trpc.training.metrics.queryKey({ id }) });
          if (changed.has('logs')) void queryClient.invalidateQueries({ queryKey: trpc.training.logs.queryKey({ id }) });
          if (changed.has('judge') || changed.has('state')) void queryClient.invalidateQueries({ queryKey: trpc.training.judge.results.queryKey({ pipelineId: id }) });
        },
      },
    ),
  );
  return useLiveState(sub);
}

/** Refetches the pipelines list when one of them changes status or progress (at most twice a second). */
export function useLivePipelineList(): LiveState {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const connectedOnce = useRef(false);
  const refetchList = () => void queryClient.invalidateQueries({ queryKey: trpc.training.list.queryKey() });
  const sub = useSubscription(
    trpc.training.liveList.subscriptionOptions(undefined, {
      onData: refetchList,
      // Changes made while the stream was down were not pushed: read the list again on every reconnect.
      onStarted: () => {
        if (connectedOnce.current) refetchList();
        connectedOnce.current = true;
      },
    }),
  );
  return useLiveState(sub);
}
