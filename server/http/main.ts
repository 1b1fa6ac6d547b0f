/**
 * The dedicated API process: serves the /api/v1 route table from a bare node:http server, without
 * Next's per-request overhead (see ../shared/notes/environment.md). Same routes, same services, same
 * errors as the Next catch-all; hot machine-facing paths (A/B assignment, ingestion, the inference
 * router) are meant to be served from here. `npm run api` (port API_PORT, default 3001).
 */
import { getEnvOrExit } from '@/server/env';
import { runShutdownHooks } from '@/server/lifecycle';
import { logger } from '@/server/logger';
import { processMetrics } from '@/server/metrics/registry';
import { createRestServer, listenOnLoopback } from './node-server';
import { restRouter } from './routes';

async function main() {
  getEnvOrExit();
  const port = Number(process.env.API_PORT ?? 3001);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Configuration error: API_PORT must be a port number (got ${process.env.API_PORT})`);
    process.exit(1);
  }
  // Its own counters at /api/metrics; the web app's /api/metrics adds the gauges shared by all processes.
  const server = createRestServer(restRouter, { '/api/metrics': processMetrics });
  server.keepAliveTimeout = 65_000;
  // Loopback unless API_HOST says otherwise (0.0.0.0 in a container behind a Service or load balancer).
  const url = await listenOnLoopback(server, port, process.env.API_HOST || '127.0.0.1');
  logger.info({ url }, 'api server ready');
  console.log(`api server ready at ${url}/api/v1`);
  // Stop taking requests, then write what is buffered (A/B exposures) before exiting.
  const stop = () => {
    server.close();
    server.closeIdleConnections();
    void runShutdownHooks().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
