import { formatCount } from '@/components/ui/format';
import { cx } from '@/components/ui/cx';
import styles from './ab.module.css';
import type { AbResults } from './types';

/**
 * Progress of every variant toward the planned sample (requiredPerVariant: enough units to detect the
 * minimum detectable effect) and the minimum before any decision (minPerVariant).
 */
export function SampleSize({ results, variants, mde, method }: { results: AbResults; variants: string[]; mde: number; method: string }) {
  const { requiredPerVariant, minPerVariant } = results.sampleSize;
  const observed = results.srm.observed;
  const target = Math.max(requiredPerVariant ?? 0, minPerVariant);
  const smallest = observed.length ? Math.min(...observed) : 0;
  return (
    <div data-testid="sample-size">
      <p className="small muted" style={{ marginTop: 0 }}>
        {requiredPerVariant !== null ? (
          <>
            To detect a {Math.round(mde * 1000) / 10}% change, the test needs about <strong>{formatCount(requiredPerVariant)}</strong> units per variant
            {method === 'frequentist' ? ' (a fixed-horizon test decides only there)' : method === 'sequential' ? ' (sequential: you may stop earlier if the result is clear)' : ''}; no decision before{' '}
            <strong>{formatCount(minPerVariant)}</strong>.
          </>
        ) : (
          <>The planned sample cannot be sized yet (no baseline on the primary metric). No decision before {formatCount(minPerVariant)} units per variant.</>
        )}
      </p>
      {variants.map((key, i) => {
        const n = observed[i] ?? 0;
        const share = target > 0 ? Math.min(1, n / target) : 1;
        const minAt = target > 0 ? Math.min(1, minPerVariant / target) : 0;
        return (
          <div className={styles.progressRow} key={key}>
            <span className="strong">{key}</span>
            <div
              className={styles.progressTrack}
              role="progressbar"
              aria-label={`${key}: ${formatCount(n)} of ${formatCount(target)} units`}
              aria-valuemin={0}
              aria-valuemax={target}
              aria-valuenow={Math.min(n, target)}
            >
              <div className={cx(styles.progressFill, share >= 1 && styles.progressDone)} style={{ width: `${share * 100}%` }} />
              {minAt > 0 && minAt < 1 && <div className={styles.progressMark} style={{ left: `${minAt * 100}%` }} title={`minimum: ${formatCount(minPerVariant)}`} />}
            </div>
            <span className="mono small">
              {formatCount(n)} / {formatCount(target)} ({Math.floor(share * 100)}%)
            </span>
          </div>
        );
      })}
      <p className="small muted" style={{ marginBottom: 0 }}>
        {smallest >= target ? 'Every variant has reached the planned sample.' : `The smallest variant needs ${formatCount(target - smallest)} more units.`} The tick marks the minimum ({formatCount(minPerVariant)}).
      </p>
    </div>
  );
}
