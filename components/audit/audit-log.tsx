'use client';

import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { type FormEvent, useMemo, useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Breakable } from '@/components/ui/breakable';
import { Card } from '@/components/ui/card';
import { type Column, DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { formatDateTime, RelativeTime } from '@/components/ui/time';
import type { AppRouter } from '@/server/api/root';
import { AuditSummary } from './summary';

type AuditEvent = inferRouterOutputs<AppRouter>['audit']['list']['items'][number];

/** Applied filters; `from` / `to` are ISO instants ('' = no bound). */
export interface AuditFilters {
  actor: string;
  action: string;
  target: string;
  from: string;
  to: string;
}

const PAGE_SIZE = 50;
const emptyFilters: AuditFilters = { actor: '', action: '', target: '', from: '', to: '' };

/** ISO instant → the `YYYY-MM-DDTHH:mm` a datetime-local input shows, in the browser's time zone. */
function isoToLocalInput(iso: string): string {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * datetime-local value (browser time zone) → ISO instant, '' when blank or invalid. The input has minute
 * precision, so an upper bound means the end of that minute ("to 14:05" includes 14:05:30).
 */
function localInputToIso(value: string, bound: 'from' | 'to'): string {
  if (!value) return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() + (bound === 'to' ? 59_999 : 0)).toISOString();
}

function validIso(s: string): string | undefined {
  return s && !Number.isNaN(Date.parse(s)) ? new Date(s).toISOString() : undefined;
}

/** Mirrors the applied filters into the address bar without a server round trip. */
function writeUrl(filters: AuditFilters) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) qs.set(k, v);
  const search = qs.toString();
  window.history.replaceState(null, '', `${window.location.pathname}${search ? `?${search}` : ''}`);
}

export function AuditLog({ initial }: { initial: AuditFilters }) {
  const trpc = useTRPC();
  const [filters, setFilters] = useState<AuditFilters>(initial);
  const [rangeError, setRangeError] = useState<string | null>(null);
  // The form is uncontrolled; bumping the key re-mounts it with the applied values (after Reset or a cell click).
  const [formKey, setFormKey] = useState(0);

  const input = useMemo(
    () => ({
      actor: filters.actor.trim() || undefined,
      action: filters.action.trim() || undefined,
      target: filters.target.trim() || undefined,
      from: validIso(filters.from),
      to: validIso(filters.to),
      limit: PAGE_SIZE,
    }),
    [filters],
  );

  const log = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(input, {
      getNextPageParam: (last) => last.nextCursor,
      // While a new filter loads, keep the old rows on screen (dimmed) instead of flashing skeletons.
      placeholderData: keepPreviousData,
    }),
  );
  const rows = useMemo(() => log.data?.pages.flatMap((p) => p.items), [log.data]);

  function apply(next: AuditFilters) {
    setFilters(next);
    writeUrl(next);
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const text = (k: string) => String(form.get(k) ?? '').trim();
    const next: AuditFilters = { actor: text('actor'), action: text('action'), target: text('target'), from: localInputToIso(text('from'), 'from'), to: localInputToIso(text('to'), 'to') };
    if (next.from && next.to && next.from > next.to) {
      setRangeError('"To" must be after "From"');
      return;
    }
    setRangeError(null);
    apply(next);
  }

  /** Clicking an actor, action or target narrows the log to it. */
  function narrow(patch: Partial<AuditFilters>) {
    apply({ ...filters, ...patch });
    setFormKey((k) => k + 1);
  }

  const active = Object.values(filters).some(Boolean);

  const columns: Column<AuditEvent>[] = [
    {
      key: 'time',
      header: 'Time',
      nowrap: true,
      width: 150,
      cell: (e) => (
        <div className="cell-stack">
          <span className="mono small" title={new Date(e.at).toISOString()}>
            {formatDateTime(e.at)}
          </span>
          <RelativeTime value={e.at} className="muted small" />
        </div>
      ),
    },
    {
      key: 'actor',
      header: 'Actor',
      cell: (e) => (
        <div className="cell-stack">
          <button type="button" className="link-button" title="Show only this actor" onClick={() => narrow({ actor: e.actorId ?? e.actorLabel })}>
            <Breakable text={e.actorLabel} />
          </button>
          {e.actorType !== 'user' && <span className="muted small">{e.actorType === 'api_key' ? 'API key' : e.actorType}</span>}
        </div>
      ),
    },
    {
      key: 'action',
      header: 'Action',
      nowrap: true,
      cell: (e) => (
        <button type="button" className="link-button" title="Show only this action" onClick={() => narrow({ action: e.action })}>
          <Badge mono tone={/\.(delete|revoke|reject|rollback|archive)/.test(e.action) ? 'danger' : 'neutral'}>
            {e.action}
          </Badge>
        </button>
      ),
    },
    {
      key: 'target',
      header: 'Target',
      cell: (e) => (
        <div className="cell-stack">
          {e.targetId || e.targetLabel ? (
            <button type="button" className="link-button" title="Show only this target" onClick={() => narrow({ target: e.targetId ?? e.targetLabel ?? '' })}>
              <Breakable text={e.targetLabel ?? e.targetId ?? ''} />
            </button>
          ) : (
            <span className="muted">—</span>
          )}
          <span className="muted small">{e.targetType}</span>
        </div>
      ),
    },
    { key: 'summary', header: 'Summary', cell: (e) => <AuditSummary summary={e.summary} /> },
    {
      key: 'request',
      header: 'Request',
      mono: true,
      nowrap: true,
      cell: (e) =>
        e.requestId ? (
          <span className="small" title={e.requestId}>
            {e.requestId.length > 12 ? `${e.requestId.slice(0, 8)}…` : e.requestId}
          </span>
        ) : (
          <span className="muted">—</span>
        ),
    },
  ];

  return (
    <div className="stack">
      <Card>
        <form key={formKey} className="filters" onSubmit={onSubmit} role="search" aria-label="Filter audit events">
          <Field label="Actor" hint="Email, key label or id">
            <input className="input input-sm" name="actor" defaultValue={filters.actor} placeholder="alice@…" />
          </Field>
          <Field label="Action" hint="Or its prefix, e.g. registry.">
            <input className="input input-sm" name="action" defaultValue={filters.action} placeholder="user." />
          </Field>
          <Field label="Target" hint="Id or part of its name">
            <input className="input input-sm" name="target" defaultValue={filters.target} />
          </Field>
          <Field label="From">
            <input className="input input-sm" type="datetime-local" name="from" defaultValue={isoToLocalInput(filters.from)} />
          </Field>
          <Field label="To" error={rangeError}>
            <input className="input input-sm" type="datetime-local" name="to" defaultValue={isoToLocalInput(filters.to)} />
          </Field>
          <div className="filters-actions">
            <Button type="submit" variant="primary" size="sm">
              Apply
            </Button>
            <Button
              size="sm"
              variant="ghost"
              disabled={!active}
              onClick={() => {
                setRangeError(null);
                apply(emptyFilters);
                setFormKey((k) => k + 1);
              }}
            >
              Reset
            </Button>
          </div>
        </form>
      </Card>

      <Card
        title={rows ? `${rows.length}${log.hasNextPage ? '+' : ''} event${rows.length === 1 ? '' : 's'}${active ? ' (filtered)' : ''}` : 'Events'}
        actions={
          <Button size="sm" variant="ghost" pending={log.isFetching && !log.isFetchingNextPage && !log.isPending} onClick={() => void log.refetch()}>
            Refresh
          </Button>
        }
        flush
        className={log.isPlaceholderData ? 'is-stale' : undefined}
      >
        <DataTable
          caption="Audit events"
          columns={columns}
          rows={rows}
          rowKey={(e) => e.id}
          isLoading={log.isPending}
          error={log.error}
          onRetry={() => void log.refetch()}
          empty={
            <EmptyState
              compact
              title={active ? 'No events match these filters' : 'No audit events yet'}
              action={
                active ? (
                  <Button
                    size="sm"
                    onClick={() => {
                      apply(emptyFilters);
                      setFormKey((k) => k + 1);
                    }}
                  >
                    Clear filters
                  </Button>
                ) : undefined
              }
            />
          }
          footer={
            rows && rows.length > 0 ? (
              log.hasNextPage ? (
                <Button size="sm" pending={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
                  Load more
                </Button>
              ) : (
                <span className="muted small">End of the log</span>
              )
            ) : null
          }
        />
      </Card>
    </div>
  );
}
