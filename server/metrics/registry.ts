import { Gauge, Registry } from 'prom-client';
import { IndexedCounter, IndexedHistogram } from './indexed';

/*
 * NeuroWeaver's own Prometheus metrics, served at /api/metrics (app/api/metrics/route.ts).
 *
 *   nw_http_request_duration_seconds{method,route,status}  REST API latency by route template (server/http/handle.ts)
 *   nw_ab_assignments_total{test,variant}                  A/B assignments (incremented by the A/B router)
 *   nw_queue_jobs{queue,state}, nw_queue_job_duration_seconds{queue,quantile}, nw_deployment_*:
 *     read from Redis and PostgreSQL at scrape time (./collect.ts), because the workers that run the
 *     jobs and the health monitor are other processes.
 *
 * The two updated per request are IndexedCounter/IndexedHistogram (./indexed.ts): same exposition as
 * prom-client's, without hashing the labels on every call.
 *
 * One registry per process, kept on globalThis so Next's hot reload does not register twice.
 */

interface AppMetrics {
  registry: Registry;
  httpDuration: IndexedHistogram<'method', 'route', 'status'>;
  abAssignments: IndexedCounter<'test', 'variant'>;
  queueJobs: Gauge<'queue' | 'state'>;
  queueJobDuration: Gauge<'queue' | 'quantile'>;
  deploymentHealth: Gauge<'model' | 'environment' | 'status'>;
  deploymentFailures: Gauge<'model' | 'environment'>;
  deploymentReady: Gauge<'model' | 'environment'>;
  deploymentLatencyP95: Gauge<'model' | 'environment'>;
  deploymentErrorRate: Gauge<'model' | 'environment'>;
  deploymentChecks: Gauge<'model' | 'environment' | 'status'>;
}

function create(): AppMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    httpDuration: new IndexedHistogram(
      'nw_http_request_duration_seconds',
      'REST API request duration by route template and status',
      ['method', 'route', 'status'],
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    ),
    abAssignments: new IndexedCounter('nw_ab_assignments_total', 'A/B test assignments served, by test and variant', ['test', 'variant'], registers),
    queueJobs: new Gauge({ name: 'nw_queue_jobs', help: 'Jobs per queue and state (waiting, active, delayed, failed, completed kept)', labelNames: ['queue', 'state'], registers }),
    queueJobDuration: new Gauge({ name: 'nw_queue_job_duration_seconds', help: 'Processing time of the most recent completed jobs (up to 200) per queue', labelNames: ['queue', 'quantile'], registers }),
    deploymentHealth: new Gauge({ name: 'nw_deployment_health', help: '1 for the latest health summary of each deployment', labelNames: ['model', 'environment', 'status'], registers }),
    deploymentFailures: new Gauge({ name: 'nw_deployment_consecutive_unhealthy_checks', help: 'Consecutive unhealthy checks per deployment', labelNames: ['model', 'environment'], registers }),
    deploymentReady: new Gauge({ name: 'nw_deployment_ready_replicas', help: 'Ready replicas at the latest health check', labelNames: ['model', 'environment'], registers }),
    deploymentLatencyP95: new Gauge({ name: 'nw_deployment_latency_p95_seconds', help: 'p95 request latency at the latest health check (from the model servers)', labelNames: ['model', 'environment'], registers }),
    deploymentErrorRate: new Gauge({ name: 'nw_deployment_error_rate', help: 'Share of chat requests answered 5xx at the latest health check', labelNames: ['model', 'environment'], registers }),
    deploymentChecks: new Gauge({ name: 'nw_deployment_health_checks', help: 'Health check results kept (retention window) per deployment and result', labelNames: ['model', 'environment', 'status'], registers }),
  };
}

const globalForMetrics = globalThis as unknown as { __nwMetrics?: AppMetrics };

export function appMetrics(): AppMetrics {
  return (globalForMetrics.__nwMetrics ??= create());
}

/** Called by the REST core once per request; `route` is the route template, never the raw path. */
export function observeHttp(method: string, route: string, status: number, seconds: number): void {
  appMetrics().httpDuration.observe(method, route, status, seconds);
}

/** For the A/B router: one assignment served. */
export function countAbAssignment(test: string, variant: string): void {
  appMetrics().abAssignments.inc(test, variant);
}

/** This process's own metrics only (the API process: request latency, A/B assignments), in Prometheus text. */
export async function processMetrics(): Promise<{ contentType: string; body: string }> {
  const { registry } = appMetrics();
  return { contentType: registry.contentType, body: await registry.metrics() };
}
