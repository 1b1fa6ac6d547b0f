import { logger } from '@/server/logger';

/**
 * Work a server process must finish before it exits (buffers written behind, e.g. A/B exposures). Modules
 * register here when loaded; the process entry points (server/http/main.ts, workers) run the hooks on
 * SIGTERM/SIGINT after they stop taking requests, so no domain has to be known by the entry point.
 */
const hooks = new Map<string, () => Promise<void>>();

export function onShutdown(name: string, hook: () => Promise<void>): void {
  hooks.set(name, hook);
}

/** Runs every hook once, concurrently; a failing hook is logged and does not stop the others. */
export async function runShutdownHooks(): Promise<void> {
  const all = [...hooks.entries()];
  hooks.clear();
  await Promise.all(
    all.map(async ([name, hook]) => {
      try {
        await hook();
      } catch (error) {
        logger.error({ err: error, hook: name }, 'shutdown hook failed');
      }
    }),
  );
}
