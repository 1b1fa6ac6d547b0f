import { Badge } from '@/components/ui/badge';
import styles from './ab.module.css';
import { confidenceLevel, formatLift, verdictOf } from './explain';
import type { AbResults } from './types';

/** Whether any guardrail of any variant got significantly worse. */
export function guardrailHarmed(results: AbResults): boolean {
  return results.metrics.some((m) => m.role === 'guardrail' && m.comparisons.some((c) => verdictOf(c, m.direction) === 'worse'));
}

/** Guardrails: metrics that must not get worse (latency, errors, cost), with a verdict per variant. */
export function Guardrails({ results }: { results: AbResults }) {
  const guardrails = results.metrics.filter((m) => m.role === 'guardrail');
  if (!guardrails.length) return <p className="muted small">This test has no guardrail metrics: only the primary metric decides.</p>;
  const level = confidenceLevel(results.alpha);
  return (
    <div data-testid="guardrails">
      <p className="small muted" style={{ marginTop: 0 }}>
        A guardrail does not need to improve; it must not get significantly worse. One harmed guardrail blocks shipping.
      </p>
      {guardrails.flatMap((m) =>
        m.comparisons.map((c) => {
          const verdict = verdictOf(c, m.direction);
          return (
            <div className={styles.guardrail} key={`${m.name}-${c.variant}`}>
              <div className="cell-stack">
                <span>
                  <span className="mono strong">{m.name}</span> <span className="muted small">({m.direction === 'increase' ? 'higher is better' : 'lower is better'})</span> · {c.variant}
                </span>
                <span className={styles.explain}>
                  {c.relative.effect === null
                    ? 'No data yet.'
                    : `Lift ${formatLift(c.relative.effect)}, ${level} interval ${formatLift(c.relative.ciLower)} to ${formatLift(c.relative.ciUpper)}.`}
                </span>
              </div>
              {verdict === 'worse' ? (
                <Badge tone="danger" dot>
                  Harmed
                </Badge>
              ) : verdict === 'better' ? (
                <Badge tone="success">Improved</Badge>
              ) : (
                <Badge tone="neutral">No significant harm</Badge>
              )}
            </div>
          );
        }),
      )}
    </div>
  );
}
