import type { LiveState } from './use-live';
import styles from './training.module.css';

const LABELS: Record<LiveState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  off: 'Live updates off',
};

/**
 * Whether pushed updates are reaching this page. When they are not, the page still refreshes on its slow
 * fallback poll (`fallbackPollMs`), which the tooltip says.
 */
export function LiveIndicator({ state, fallbackPollMs }: { state: LiveState; fallbackPollMs: number }) {
  const fallback = fallbackPollMs > 0 ? `; refreshing every ${Math.round(fallbackPollMs / 1000)} s meanwhile` : '';
  const title = state === 'live' ? 'Changes appear as they happen' : `Not receiving live updates${fallback}`;
  return (
    <span className={`${styles.live} ${styles[`live_${state}`]}`} data-testid="live-indicator" data-state={state} role="status" title={title}>
      <span className={styles.liveDot} aria-hidden="true" />
      {LABELS[state]}
    </span>
  );
}
