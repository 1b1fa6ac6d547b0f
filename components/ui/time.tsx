'use client';

import { useSyncExternalStore } from 'react';

export type TimeInput = Date | string | number | null | undefined;

function toDate(value: TimeInput): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "just now", "12 s ago", "3 min ago", "5 h ago", "2 d ago", "in 4 min"; a plain date beyond 30 days. */
export function formatRelative(value: TimeInput, now: number = Date.now()): string {
  const d = toDate(value);
  if (!d) return '—';
  const diff = now - d.getTime();
  const abs = Math.abs(diff);
  const s = Math.round(abs / 1000);
  // Within a few seconds either way (clock skew, a value written a moment ago) reads as now.
  if (s < 5) return 'just now';
  let text: string;
  if (s < 90) text = `${s} s`;
  else if (s < 90 * 60) text = `${Math.round(s / 60)} min`;
  else if (s < 36 * 3600) text = `${Math.round(s / 3600)} h`;
  else if (s < 30 * 86400) text = `${Math.round(s / 86400)} d`;
  else return d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

/** "2026-03-04 14:05:09" in local time: compact and sortable, for tooltips and dense tables. */
export function formatDateTime(value: TimeInput): string {
  const d = toDate(value);
  if (!d) return '—';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/* One shared clock for every <RelativeTime>: a single interval, however many are on the page. */
const TICK_MS = 1_000;
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      listeners.forEach((l) => l());
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The shared clock's time; fresh when nothing is subscribed yet (the first render of a page). */
function readNow(): number {
  // Whole seconds, so two reads in one render agree (useSyncExternalStore requires a stable snapshot).
  if (!timer) now = Math.floor(Date.now() / 1000) * 1000;
  return now;
}

/** The current time in ms, re-rendering every second while mounted (shared across components). */
export function useNow(): number {
  return useSyncExternalStore(subscribe, readNow, readNow);
}

/** `<time>` showing "3 min ago", with the exact ISO time as its title; "—" for no value. */
export function RelativeTime({ value, fallback = '—', className }: { value: TimeInput; fallback?: string; className?: string }) {
  const d = toDate(value);
  const ms = d?.getTime();
  // The snapshot is the text itself, so a tick re-renders only the labels whose text changed.
  const text = useSyncExternalStore(
    subscribe,
    () => (ms === undefined ? '' : formatRelative(ms, readNow())),
    () => (ms === undefined ? '' : formatRelative(ms, readNow())),
  );
  if (!d) return <span className={className ?? 'muted'}>{fallback}</span>;
  return (
    <time dateTime={d.toISOString()} title={d.toISOString()} className={className} suppressHydrationWarning>
      {text}
    </time>
  );
}
