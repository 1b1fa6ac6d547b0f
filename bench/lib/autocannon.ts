// @ts-expect-error autocannon ships no type declarations; the few options and results the benches use are typed here.
import autocannonUntyped from 'autocannon';

export interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
}

export interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Pre-built requests, sent in turn by every connection. */
  requests?: { path: string }[];
}

/** HTTP load from this process (autocannon), typed. */
export const autocannon = autocannonUntyped as (opts: AutocannonOptions) => Promise<AutocannonResult>;
