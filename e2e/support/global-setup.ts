/**
 * End-to-end tests run the production build against a throwaway world of their own:
 * - a database `nw_e2e_<random>`, created, migrated (db/migrate.ts) and seeded (db/seed.ts) here;
 * - a Redis key prefix `nwe2e:<random>`;
 * - `next start` on E2E_PORT (3100) and the workers (workers/index.ts), both started here with that
 *   environment, a random NEXTAUTH_SECRET and NEXTAUTH_URL=http://localhost:3100.
 * The returned function (Playwright's global teardown) stops both, drops the database and deletes the
 * Redis keys. Server output goes to test-results/e2e-server.log (E2E_SERVER_LOG=1 also prints it);
 * KEEP_E2E_DB=1 keeps the database for a look afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { FullConfig } from '@playwright/test';
import { dropDatabase } from '../../db/database-admin';
import { deleteRedisKeys, throwaway } from '../../db/throwaway';
import { e2eBaseURL, e2ePort } from './env';

/** A child's environment (NodeJS.ProcessEnv insists on NODE_ENV, which migrate and seed run without). */
type Env = Record<string, string | undefined>;

type Exit = { code: number | null; signal: NodeJS.Signals | null; error?: Error };

interface Proc {
  name: string;
  child: ChildProcess;
  exited: Promise<Exit>;
  running: () => boolean;
  /** Last lines of output, for error messages. */
  tail: string[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

function describe(exit: Exit) {
  if (exit.error) return exit.error.message;
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

/** Starts a command in its own process group; its output goes, line by line and prefixed, to `log`. */
function start(name: string, command: string, args: string[], options: { cwd: string; env: Env; log: WriteStream; echo: boolean }): Proc {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env as NodeJS.ProcessEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    const lines = readline.createInterface({ input: stream!, crlfDelay: Infinity });
    lines.on('line', (line) => {
      const text = `${name.padEnd(7)} │ ${line}`;
      options.log.write(`${text}\n`);
      if (options.echo) process.stdout.write(`${text}\n`);
      tail.push(line);
      if (tail.length > 40) tail.shift();
    });
  }
  let done: Exit | undefined;
  const exited = new Promise<Exit>((resolve) => {
    child.once('error', (error) => resolve((done ??= { code: null, signal: null, error })));
    child.once('exit', (code, signal) => resolve((done ??= { code, signal })));
  });
  return { name, child, exited, running: () => done === undefined, tail };
}

function killGroup(proc: Proc, signal: NodeJS.Signals) {
  try {
    if (proc.child.pid) process.kill(-proc.child.pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM to the process, SIGKILL to its whole group after `graceMs` or once it has exited. */
async function stop(proc: Proc, graceMs = 10_000) {
  if (proc.running()) proc.child.kill('SIGTERM');
  await Promise.race([proc.exited, sleep(graceMs)]);
  killGroup(proc, 'SIGKILL');
  await proc.exited;
}

async function runToCompletion(proc: Proc) {
  const exit = await proc.exited;
  if (exit.code !== 0) {
    throw new Error(`e2e setup: \`${proc.name}\` failed (${describe(exit)}):\n${proc.tail.join('\n')}`);
  }
}

function portInUse(port: number) {
  return new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    server.listen(port, () => server.close(() => resolve(false)));
  });
}

function answers(url: string) {
  return new Promise<boolean>((resolve) => {
    const request = http.get(url, { timeout: 30_000 }, (response) => {
      response.resume();
      resolve(true);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

export default async function globalSetup(config: FullConfig) {
  const root = config.configFile ? path.dirname(config.configFile) : process.cwd();
  const bin = (name: string) => {
    const file = path.join(root, 'node_modules', '.bin', name);
    return existsSync(file) ? file : name;
  };
  if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) {
    throw new Error('e2e setup: no production build in .next; run `npx next build` first (`npm test` does)');
  }
  if (await portInUse(e2ePort)) {
    throw new Error(`e2e setup: port ${e2ePort} is in use; stop what runs there or set E2E_PORT`);
  }

  const run = throwaway('e2e');
  const { suffix, redisPrefix } = run;
  const databaseUrl = new URL(run.databaseUrl);
  // migrate and seed run with NODE_ENV unset (as `npm start` runs them); the servers as production.
  const { NODE_ENV: _nodeEnv, ...inherited } = process.env;
  const env: Env = {
    ...inherited,
    DATABASE_URL: databaseUrl.toString(),
    REDIS_PREFIX: redisPrefix,
    PORT: String(e2ePort),
    NEXTAUTH_URL: e2eBaseURL,
    NEXTAUTH_SECRET: randomBytes(32).toString('hex'),
    NEXT_TELEMETRY_DISABLED: '1',
    // Its own simulated cluster: never a developer's running simulator, never a real cluster from the shell.
    NEUROWEAVER_CLUSTER: 'sim',
    NEUROWEAVER_SIM_KUBECONFIG: path.join(os.tmpdir(), `nw-e2e-${suffix}`, 'kubeconfig.yaml'),
    NEUROWEAVER_SIM_STATE: '',
    // Health rounds every 2 s, so a deployment turns healthy on the page within seconds.
    NEUROWEAVER_HEALTH_INTERVAL_MS: '2000',
    // Simulated training Jobs of 3 cluster seconds, so a whole pipeline finishes well within a test.
    NEUROWEAVER_SIM_TRAINER_SECONDS: '3',
    // Training pages without their safety-net poll: what they show changing got there by push (SSE) alone.
    NEUROWEAVER_TRAINING_FALLBACK_POLL_MS: '0',
  };
  const runtimeEnv: Env = { ...env, NODE_ENV: 'production' };

  const logDir = path.join(root, 'test-results');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'e2e-server.log');
  const log = createWriteStream(logFile);
  const echo = process.env.E2E_SERVER_LOG === '1';
  const options = { cwd: root, env, log, echo };

  const services: Proc[] = [];
  let databaseCreated = false;
  // If the runner dies without its teardown, at least don't leave servers behind.
  const killAll = () => services.forEach((proc) => killGroup(proc, 'SIGKILL'));
  process.on('exit', killAll);

  const teardown = async () => {
    await Promise.all(services.map((proc) => stop(proc)));
    process.off('exit', killAll);
    const problems: unknown[] = [];
    if (databaseCreated && !process.env.KEEP_E2E_DB) await dropDatabase(databaseUrl.toString()).catch((error) => problems.push(error));
    await deleteRedisKeys(redisPrefix).catch((error) => problems.push(error));
    await new Promise((resolve) => log.end(resolve));
    if (problems.length) console.warn(`e2e teardown: ${problems.map(String).join('; ')}`);
  };

  try {
    databaseCreated = true; // migrate creates it; from here on teardown drops it
    await runToCompletion(start('migrate', bin('tsx'), ['db/migrate.ts'], options));
    await runToCompletion(start('seed', bin('tsx'), ['db/seed.ts'], options));

    const web = start('web', bin('next'), ['start', '-p', String(e2ePort)], { ...options, env: runtimeEnv });
    services.push(web);
    // node with tsx's loader, as `npm start` runs them (the tsx CLI may SIGKILL a busy worker on SIGTERM).
    const workers = start('workers', process.execPath, ['--import', 'tsx', 'workers/index.ts'], { ...options, env: runtimeEnv });
    services.push(workers);

    const deadline = Date.now() + 120_000;
    for (;;) {
      const dead = services.find((proc) => !proc.running());
      if (dead) {
        const exit = await dead.exited;
        throw new Error(`e2e setup: ${dead.name} exited during start-up (${describe(exit)}):\n${dead.tail.join('\n')}\n(full log: ${logFile})`);
      }
      if (await answers(`http://127.0.0.1:${e2ePort}/`)) break;
      if (Date.now() > deadline) throw new Error(`e2e setup: the web server did not answer on port ${e2ePort} within 120 s (log: ${logFile})`);
      await sleep(250);
    }
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
