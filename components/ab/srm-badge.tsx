import { Badge } from '@/components/ui/badge';
import { formatCount } from '@/components/ui/format';
import styles from './ab.module.css';
import { formatP } from './explain';
import type { AbResults } from './types';

/** "Traffic split OK" or "Sample ratio mismatch", for headers. */
export function SrmBadge({ srm }: { srm: AbResults['srm'] }) {
  if (srm.pValue === null) return <Badge title="Checked once every variant has at least 8 units">Split: too early to check</Badge>;
  return srm.ok ? (
    <Badge tone="success" dot title={`Chi-square test of the split: p ${formatP(srm.pValue)}`}>
      Traffic split OK
    </Badge>
  ) : (
    <Badge tone="danger" dot title={`Chi-square test of the split: p ${formatP(srm.pValue)}`}>
      Sample ratio mismatch
    </Badge>
  );
}

/** The sample ratio check with what it means and what to do when it fires. */
export function SrmPanel({ srm, variants }: { srm: AbResults['srm']; variants: string[] }) {
  const total = srm.observed.reduce((s, n) => s + n, 0);
  return (
    <div className={styles.srm} data-testid="srm">
      <div className="row gap-sm">
        <SrmBadge srm={srm} />
        {srm.pValue !== null && <span className="small muted mono">χ² p {formatP(srm.pValue)}</span>}
      </div>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Variant</th>
            <th scope="col" className="align-right">
              Units
            </th>
            <th scope="col" className="align-right">
              Observed share
            </th>
            <th scope="col" className="align-right">
              Configured
            </th>
          </tr>
        </thead>
        <tbody>
          {variants.map((v, i) => (
            <tr key={v}>
              <td>{v}</td>
              <td className="align-right mono">{formatCount(srm.observed[i] ?? 0)}</td>
              <td className="align-right mono">{total ? `${(((srm.observed[i] ?? 0) / total) * 100).toFixed(1)}%` : '—'}</td>
              <td className="align-right mono">{((srm.expectedShare[i] ?? 0) * 100).toFixed(1)}%</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <strong>What it checks:</strong> units should split between variants in the configured proportions. A chi-square test compares the observed counts with
        the weights; a mismatch is flagged when a split this uneven would happen by chance less than once in 1,000 tests.
      </p>
      {srm.ok ? (
        <p className="muted">The split matches the weights, so the comparison between variants is fair.</p>
      ) : (
        <>
          <p>
            <strong>What it means:</strong> some units are lost or mis-assigned in one variant (a crash before logging, a redirect, a bot filter, a cache serving one
            side). The units that remain are no longer comparable, so <strong>every metric on this page may be biased</strong>, in either direction.
          </p>
          <p>
            <strong>What to do:</strong>
          </p>
          <ul>
            <li>Do not ship on these numbers, even if a lift looks significant.</li>
            <li>Check that every unit calls assignment before it sends events, and that errors in the smaller variant are not dropping its events.</li>
            <li>Fix the cause, then stop this test and start a new one (the lost units cannot be recovered).</li>
          </ul>
        </>
      )}
    </div>
  );
}
