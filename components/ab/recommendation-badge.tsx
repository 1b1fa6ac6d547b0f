'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import type { AbTest } from './types';

const labels: Record<string, { text: string; tone: BadgeTone }> = {
  ship: { text: 'Ship', tone: 'success' },
  keep_control: { text: 'Keep control', tone: 'danger' },
  continue: { text: 'Keep running', tone: 'info' },
  investigate: { text: 'Investigate (SRM)', tone: 'warning' },
};

/** The current recommendation of one test, read from its results (cheap: O(variants × metrics)). */
export function RecommendationBadge({ testId, decision }: { testId: string; decision: AbTest['decision'] }) {
  const trpc = useTRPC();
  const results = useQuery(trpc.ab.results.queryOptions({ id: testId }, { staleTime: 10_000, enabled: !decision }));
  if (decision) {
    return (
      <Badge tone="success" dot title={`Shipped by ${decision.by}`}>
        {decision.outcome === 'promoted' ? `Shipped ${decision.variant}` : `${decision.variant}: awaiting approval`}
      </Badge>
    );
  }
  if (!results.data) return <span className="muted small">…</span>;
  const rec = results.data.recommendation;
  const label = labels[rec.action];
  return (
    <Badge tone={label.tone} title={rec.reason}>
      {label.text}
      {rec.action === 'ship' && rec.variant ? ` ${rec.variant}` : ''}
    </Badge>
  );
}
