'use client';

import Link from 'next/link';
import { type ReactNode, useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Badge, SemverBadge } from '@/components/ui/badge';
import { cx } from '@/components/ui/cx';
import { formatDateTime, RelativeTime } from '@/components/ui/time';
import { describeEvent, eventPeople } from './history-labels';
import { formatMetric } from './parse';
import styles from './registry.module.css';
import { type HistoryEvent, type Version, versionHref } from './types';

/* Geometry of the left gutter: parent arcs run in lanes left of the spine. */
const LANE_W = 12;
const MAX_LANES = 6;
const DOT_R = 7;

export interface VersionTimelineProps {
  slug: string;
  /** Newest first by semver precedence (as registry.listVersions returns them). */
  versions: readonly Version[];
  /** Newest first (registry.history). */
  history: readonly HistoryEvent[];
  /** Buttons for one version (promote, archive…); the caller decides what a role may see. */
  actions?: (version: Version) => ReactNode;
  /** How many events to show per version before "Show all". */
  eventsPerVersion?: number;
}

interface Arc {
  child: string;
  parent: string;
  lane: number;
}

/**
 * The model's versions as a vertical timeline, newest on top. Each version is a node on a spine; the
 * spine segment below a node is solid when that node was derived from the one below it, dashed when
 * not. A version derived from an older, non-adjacent version gets a curved arrow to that parent in a
 * lane left of the spine. The version's history (registered, promoted, demoted, rolled back…) is
 * listed inside its node, oldest first; rollbacks are highlighted.
 */
export function VersionTimeline({ slug, versions, history, actions, eventsPerVersion = 4 }: VersionTimelineProps) {
  const [showArchived, setShowArchived] = useState(true);
  const [showEvents, setShowEvents] = useState(true);

  const visible = useMemo(() => (showArchived ? versions : versions.filter((v) => v.status !== 'archived')), [versions, showArchived]);
  const archivedCount = versions.length - versions.filter((v) => v.status !== 'archived').length;

  const eventsByVersion = useMemo(() => {
    const map = new Map<string, HistoryEvent[]>();
    const orphans: HistoryEvent[] = [];
    // history is newest first; nodes list their events oldest first, so walk it backwards.
    for (let i = history.length - 1; i >= 0; i--) {
      const e = history[i];
      if (!e.version) {
        orphans.push(e);
        continue;
      }
      const list = map.get(e.version) ?? [];
      list.push(e);
      map.set(e.version, list);
    }
    return { map, orphans };
  }, [history]);

  const arcs = useMemo(() => assignLanes(visible), [visible]);
  const lanes = Math.min(MAX_LANES, arcs.reduce((n, a) => Math.max(n, a.lane + 1), 0));
  const spineX = 10 + lanes * LANE_W + DOT_R;
  const gutter = spineX + DOT_R + 12;

  /* Measure where each dot sits so the SVG can draw the spine and the arcs between them. */
  const listRef = useRef<HTMLOListElement>(null);
  const dots = useRef(new Map<string, HTMLElement>());
  const [layout, setLayout] = useState<{ ys: Record<string, number>; height: number }>({ ys: {}, height: 0 });
  const measure = useCallback(() => {
    const list = listRef.current;
    if (!list) return;
    const top = list.getBoundingClientRect().top;
    const ys: Record<string, number> = {};
    for (const [version, el] of dots.current) {
      const r = el.getBoundingClientRect();
      ys[version] = r.top - top + r.height / 2;
    }
    const height = list.scrollHeight;
    setLayout((prev) => (prev.height === height && sameYs(prev.ys, ys) ? prev : { ys, height }));
  }, []);
  useLayoutEffect(() => {
    measure();
    const list = listRef.current;
    if (!list || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => measure());
    ro.observe(list);
    return () => ro.disconnect();
  }, [measure, visible, showEvents, history]);

  const setDot = (version: string) => (el: HTMLElement | null) => {
    if (el) dots.current.set(version, el);
    else dots.current.delete(version);
  };

  const y = layout.ys;
  return (
    <div className={styles.timelineWrap}>
      <div className={styles.timelineToolbar}>
        <Legend />
        <div className="row gap-sm">
          {archivedCount > 0 && (
            <label className="checkbox">
              <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} />
              Include archived ({archivedCount})
            </label>
          )}
          <label className="checkbox">
            <input type="checkbox" checked={showEvents} onChange={(e) => setShowEvents(e.target.checked)} />
            Show history
          </label>
        </div>
      </div>

      <div className={styles.timeline} style={{ ['--gutter' as string]: `${gutter}px`, ['--spine-x' as string]: `${spineX}px` }}>
        <svg className={styles.timelineSvg} width={gutter} height={layout.height} aria-hidden="true" focusable="false">
          <defs>
            <marker id="nw-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" className={styles.arrowHead} />
            </marker>
          </defs>
          {visible.slice(0, -1).map((v, i) => {
            const next = visible[i + 1];
            const y1 = y[v.version];
            const y2 = y[next.version];
            if (y1 === undefined || y2 === undefined) return null;
            const derived = v.parentVersion === next.version;
            return (
              <line
                key={`spine-${v.version}`}
                x1={spineX}
                x2={spineX}
                y1={y1 + DOT_R + 2}
                y2={y2 - DOT_R - 2}
                className={derived ? styles.spineDerived : styles.spineLoose}
              />
            );
          })}
          {arcs.map((a) => {
            const y1 = y[a.child];
            const y2 = y[a.parent];
            if (y1 === undefined || y2 === undefined) return null;
            const x = spineX - DOT_R - 6 - (Math.min(a.lane, MAX_LANES - 1) + 1) * LANE_W + LANE_W / 2;
            const r = Math.min(8, Math.abs(y2 - y1) / 2);
            const s = y2 >= y1 ? 1 : -1; // parents are usually older (below), but need not be
            const start = spineX - DOT_R - 2;
            const end = spineX - DOT_R - 3;
            const d = `M ${start} ${y1} H ${x + r} Q ${x} ${y1} ${x} ${y1 + s * r} V ${y2 - s * r} Q ${x} ${y2} ${x + r} ${y2} H ${end}`;
            return <path key={`arc-${a.child}`} d={d} className={styles.arc} markerEnd="url(#nw-arrow)" />;
          })}
        </svg>

        <ol className={styles.timelineList} ref={listRef} aria-label="Versions, newest first">
          {visible.map((v, i) => (
            <TimelineNode
              key={v.id}
              slug={slug}
              version={v}
              previous={visible[i + 1]?.version ?? null}
              events={showEvents ? (eventsByVersion.map.get(v.version) ?? []) : []}
              eventsPerVersion={eventsPerVersion}
              dotRef={setDot(v.version)}
              actions={actions?.(v)}
            />
          ))}
        </ol>
      </div>

      {showEvents && eventsByVersion.orphans.length > 0 && (
        <div className={styles.orphans}>
          <div className="metric-label">Other events</div>
          <EventList events={eventsByVersion.orphans} />
        </div>
      )}
    </div>
  );
}

function TimelineNode({
  slug,
  version: v,
  previous,
  events,
  eventsPerVersion,
  dotRef,
  actions,
}: {
  slug: string;
  version: Version;
  previous: string | null;
  events: HistoryEvent[];
  eventsPerVersion: number;
  dotRef: (el: HTMLElement | null) => void;
  actions?: ReactNode;
}) {
  const [expanded, setExpanded] = useState(false);
  const shown = expanded || events.length <= eventsPerVersion ? events : events.slice(-eventsPerVersion);
  const metrics = Object.entries(v.metrics);
  const rolledBack = events.some((e) => e.kind === 'rolled_back');
  const headingId = `tl-${v.id}`;
  return (
    <li
      className={cx(styles.node, styles[`node_${v.status}`], rolledBack && styles.nodeRolledBack)}
      aria-labelledby={headingId}
      data-version={v.version}
      data-status={v.status}
    >
      <span ref={dotRef} className={cx(styles.dot, styles[`dot_${v.status}`])} aria-hidden="true" />
      <div className={styles.nodeCard}>
        <div className={styles.nodeHead}>
          <h3 className={styles.nodeTitle} id={headingId}>
            <Link href={versionHref(slug, v.version)} className={styles.plainLink} title={`Open version ${v.version}`}>
              <SemverBadge version={v.version} />
            </Link>
          </h3>
          {v.status === 'production' && (
            <Badge tone="success" dot>
              Production
            </Badge>
          )}
          {v.status === 'staging' && <Badge tone="warning">Staging</Badge>}
          {v.status === 'archived' && <Badge className="status-archived">Archived</Badge>}
          {v.parentVersion ? (
            <span className={cx('small', v.parentVersion === previous ? 'muted' : styles.parentFar)}>
              from{' '}
              <Link href={versionHref(slug, v.parentVersion)} className="mono">
                v{v.parentVersion}
              </Link>
            </span>
          ) : (
            <span className="small muted">no parent</span>
          )}
          <span className={cx('small muted', styles.nodeMeta)}>
            {v.createdBy} · <RelativeTime value={v.createdAt} />
          </span>
        </div>
        {(metrics.length > 0 || v.tags.length > 0) && (
          <div className={styles.nodeChips}>
            {metrics.slice(0, 5).map(([name, value]) => (
              <span key={name} className={styles.metricChip} title={`${name} (${v.metricDirections[name] ?? 'higher'} is better)`}>
                <span className={styles.metricChipName}>{name}</span> <span className="mono">{formatMetric(value)}</span>
              </span>
            ))}
            {metrics.length > 5 && <span className="small muted">+{metrics.length - 5} more</span>}
            {v.tags.map((t) => (
              <Badge key={t} tone="info">
                {t}
              </Badge>
            ))}
          </div>
        )}
        {events.length > 0 && (
          <>
            <EventList events={shown} />
            {events.length > eventsPerVersion && (
              <button type="button" className={cx('link-button small', styles.moreEvents)} onClick={() => setExpanded((x) => !x)}>
                {expanded ? 'Show fewer events' : `Show all ${events.length} events`}
              </button>
            )}
          </>
        )}
        {actions && <div className={styles.nodeActions}>{actions}</div>}
      </div>
    </li>
  );
}

export function EventList({ events }: { events: readonly HistoryEvent[] }) {
  return (
    <ul className={styles.events}>
      {events.map((e) => {
        const { title, tone } = describeEvent(e);
        const people = eventPeople(e);
        return (
          <li key={e.id} className={cx(styles.event, styles[`event_${tone}`])} data-kind={e.kind}>
            <span className={styles.eventIcon} aria-hidden="true" />
            <div className={styles.eventBody}>
              <div className={styles.eventLine}>
                <span className={styles.eventTitle}>{title}</span>
                <span className="small muted">
                  {e.actor} · <RelativeTime value={e.at} /> <span className="sr-only">({formatDateTime(e.at)})</span>
                </span>
              </div>
              {e.reason && <div className={styles.eventReason}>“{e.reason}”</div>}
              {people && <div className="small muted">{people}</div>}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

function Legend() {
  return (
    <div className={styles.legend}>
      <span className={styles.legendItem}>
        <svg width="22" height="10" aria-hidden="true">
          <line x1="0" x2="22" y1="5" y2="5" className={styles.spineDerived} />
        </svg>
        derived from the version below
      </span>
      <span className={styles.legendItem}>
        <svg width="22" height="10" aria-hidden="true">
          <line x1="0" x2="22" y1="5" y2="5" className={styles.spineLoose} />
        </svg>
        not derived from it
      </span>
      <span className={styles.legendItem}>
        <svg width="22" height="10" aria-hidden="true">
          <path d="M 2 5 H 18" className={styles.arc} markerEnd="url(#nw-arrow)" />
        </svg>
        parent further down
      </span>
    </div>
  );
}

/**
 * One arc per version whose parent is visible but not the node directly below it. Lanes are assigned
 * shortest span first, each to the innermost lane free over its whole span (endpoints included, so two arcs never join into what looks like one).
 */
function assignLanes(versions: readonly Version[]): Arc[] {
  const index = new Map(versions.map((v, i) => [v.version, i]));
  const spans: { child: string; parent: string; from: number; to: number }[] = [];
  versions.forEach((v, i) => {
    if (!v.parentVersion) return;
    const j = index.get(v.parentVersion);
    if (j === undefined || j === i + 1) return;
    spans.push({ child: v.version, parent: v.parentVersion, from: Math.min(i, j), to: Math.max(i, j) });
  });
  spans.sort((a, b) => a.to - a.from - (b.to - b.from) || a.from - b.from);
  const occupied: { from: number; to: number }[][] = [];
  return spans.map((s) => {
    let lane = 0;
    while (occupied[lane]?.some((o) => s.from <= o.to && o.from <= s.to)) lane++;
    (occupied[lane] ??= []).push(s);
    return { child: s.child, parent: s.parent, lane };
  });
}

function sameYs(a: Record<string, number>, b: Record<string, number>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Math.abs(a[k] - (b[k] ?? NaN)) < 0.5);
}
