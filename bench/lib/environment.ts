import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import path from 'node:path';
import { migrateDatabase } from '@/db/migrate';
import { throwaway } from '@/db/throwaway';

const root = path.resolve(__dirname, '../..');

/** A throwaway database and Redis prefix for one bench run; env is set before any service module loads. */
export async function benchEnvironment() {
  const run = throwaway('bench', process.env.BENCH_DATABASE_BASE_URL || undefined);
  process.env.DATABASE_URL = run.databaseUrl;
  process.env.REDIS_PREFIX = run.redisPrefix;
  process.env.NEXTAUTH_SECRET ||= randomBytes(32).toString('hex');
  process.env.BCRYPT_ROUNDS = '4';
  await migrateDatabase(run.databaseUrl);
  return { databaseUrl: run.databaseUrl, drop: () => run.cleanUp() };
}

/** A TCP port nothing listens on now (a fixed or random one can be taken by another service on the machine). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForHealth(url: string, what: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/api/v1/health`);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${what} did not come up within 60 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function stopper(child: ChildProcess) {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

/**
 * The dedicated API process in its own process, as it runs in production: its bundle, built first
 * (scripts/build-api.mjs). BENCH_API_CPU_PROF=<dir> writes a V8 CPU profile of it there.
 */
export async function startApiServer(port?: number): Promise<{ url: string; stop: () => Promise<void> }> {
  port ??= await freePort();
  const { buildApi } = await import('../../scripts/build-api.mjs');
  const child = spawn(process.execPath, [...(process.env.BENCH_API_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_API_CPU_PROF}`] : []), '--enable-source-maps', await buildApi()], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, API_PORT: String(port) } });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, 'api server');
  return { url, stop: stopper(child) };
}

/** `next start` on a free port over the same database; builds first when there is no production build. */
export async function startNext(port: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const bin = path.join(root, 'node_modules/.bin/next');
  if (!existsSync(path.join(root, '.next/BUILD_ID'))) {
    await new Promise<void>((resolve, reject) => {
      const build = spawn(bin, ['build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
      build.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build exited ${code}`))));
    });
  }
  const child: ChildProcess = spawn(bin, ['start', '-p', String(port), '-H', '127.0.0.1'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, PORT: String(port) } });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, 'next start');
  return { url, stop: stopper(child) };
}
