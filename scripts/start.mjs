#!/usr/bin/env node
// `npm start` (and `npm run dev`, with --dev): from a fresh clone to a running NeuroWeaver in one command.
//
//   1. npm install, when node_modules is missing or older than package-lock.json
//   2. .env.local with a generated NEXTAUTH_SECRET (and NEXTAUTH_URL), when neither it nor the environment has them
//   3. tsx db/migrate.ts  (creates the database if missing, applies migrations)
//   4. tsx db/seed.ts     (idempotent demo data; prints the demo users)
//   5. next build and the API process's bundle (scripts/build-api.mjs → .build/api/main.js)   (skipped with --dev)
//   6. the web server (next start, or next dev with --dev), the workers (node --import tsx workers/index.ts) and the
//      data-plane API process (node .build/api/main.js, or the sources through tsx with --dev, on API_PORT, default 3001: A/B assignment, events,
//      the gateway, trainer events), together, with prefixed output. Ctrl-C / SIGTERM stops all; if one
//      stops on its own, the others are stopped too and this script exits non-zero.
//
// Node built-ins only: this runs before `npm install` has.
import { existsSync, statSync, utimesSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ensureEnvLocal } from './lib/env-file.mjs';
import { describeExit, exitCodeOf, formatDuration, localBin, onTerminationSignal, paint, startProcess } from './lib/proc.mjs';

const usage = `Usage: node scripts/start.mjs [--dev]

Installs dependencies if needed, writes .env.local if needed, migrates and seeds the database, builds the
app, then runs the web server and the background workers until Ctrl-C.

  --dev     skip the build; run \`next dev\` (hot reload) instead of \`next start\`  (npm run dev)
  --help    show this help

Environment: PORT (default 3000), DATABASE_URL, REDIS_URL, REDIS_PREFIX, NEXTAUTH_SECRET, NEXTAUTH_URL, ...
(see README.md). Variables in .env.local apply unless the environment sets them.`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(usage);
  process.exit(0);
}
const unknown = args.filter((arg) => arg !== '--dev');
if (unknown.length > 0) {
  console.error(`start: unknown argument ${unknown[0]}\n\n${usage}`);
  process.exit(2);
}
const dev = args.includes('--dev');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

/** 'setup' while the one-off steps run, 'running' once web and workers are up, then 'stopping'. */
let phase = 'setup';
/** Child processes that are running now. */
const active = new Set();

const say = (message) => console.log(`${paint('bold', '▸')} ${message}`);

onTerminationSignal((signal) => {
  if (phase === 'stopping') {
    console.error(paint('yellow', `Received ${signal} again; killing everything now.`));
    for (const proc of active) proc.kill();
    process.exit(130);
  }
  // A signal is how a running server is meant to be stopped (exit 0); during setup it aborts the start.
  const code = phase === 'running' ? 0 : signal === 'SIGINT' ? 130 : 143;
  void shutdown(signal === 'SIGHUP' ? 'SIGTERM' : signal, code);
});

// Should this script die of an uncaught error, take the children with it.
process.on('exit', () => {
  for (const proc of active) if (proc.running) proc.kill();
});

async function shutdown(signal, code) {
  if (phase === 'stopping') return;
  phase = 'stopping';
  const procs = [...active];
  if (procs.length > 0) say(`Stopping ${procs.map((proc) => proc.name).join(' and ')}...`);
  await Promise.all(procs.map((proc) => proc.stop(signal, 15_000).then(() => proc.finished())));
  process.exit(code);
}

/**
 * Runs one setup step with the terminal shared; exits this script with the step's code if it fails.
 * `ownErrors` marks steps that print their own one-line error (migrate, seed), so nothing is added.
 */
async function step(title, command, commandArgs, env, { ownErrors = false } = {}) {
  const shown = [path.basename(command), ...commandArgs].join(' ');
  say(`${title} ${paint('dim', `(${shown})`)}`);
  const started = Date.now();
  const proc = startProcess(command, commandArgs, { cwd: root, env, name: shown });
  active.add(proc);
  const status = await proc.finished();
  active.delete(proc);
  if (phase === 'stopping') return new Promise(() => {}); // shutdown() exits once everything has stopped
  if (status.code !== 0) {
    if (!ownErrors || status.error || status.signal) {
      console.error(paint('red', `✗ ${title} failed: ${describeExit(status)}`));
    }
    process.exit(exitCodeOf(status) || 1);
  }
  console.log(paint('dim', `  done in ${formatDuration(Date.now() - started)}`));
}

/** Why `npm install` must run, or null when node_modules matches package-lock.json. */
function installReason() {
  const modules = path.join(root, 'node_modules');
  const marker = path.join(modules, '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (!existsSync(modules)) return 'node_modules is missing';
  if (!existsSync(marker)) return 'node_modules is incomplete';
  if (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs) return 'package-lock.json is newer than node_modules';
  return null;
}

function parsePort(value, name = 'PORT') {
  const port = Number(value);
  if (!/^\d+$/.test(String(value).trim()) || !Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`Configuration error: ${name} must be an integer between 1 and 65535`);
    process.exit(1);
  }
  return port;
}

/** True when something already listens on `port` (Next would fail with EADDRINUSE after the build). */
function portInUse(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error) => resolve(error.code === 'EADDRINUSE'));
    server.listen(port, () => server.close(() => resolve(false)));
  });
}

/** One HTTP request to the web server; true on any response. */
function answers(port) {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/', timeout: 120_000 }, (response) => {
      response.resume();
      resolve(true);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

async function announceWhenReady(port, web, url) {
  while (phase === 'running' && web.running) {
    if (await answers(port)) {
      if (phase !== 'running') return;
      console.log('');
      say(paint('green', `NeuroWeaver is ready at ${paint('bold', url)}`) + '  (Ctrl-C to stop)');
      console.log('  Sign in with one of the demo users printed by the seed step (also listed in README.md).\n');
      return;
    }
    await sleep(500);
  }
}

function runServices(env, port) {
  phase = 'running';
  const url = `http://localhost:${port}`;
  say(`Starting the web server (${dev ? 'next dev' : 'next start'}) and the workers on ${url}`);
  const web = startProcess(localBin(root, 'next'), [dev ? 'dev' : 'start', '-p', String(port)], {
    cwd: root,
    env,
    name: 'web',
    output: { prefix: 'web     │ ', color: 'cyan' },
  });
  // node with tsx's loader, not the tsx CLI: the CLI kills a child that does not acknowledge SIGTERM within
  // 30 ms (a busy worker), which would cut the graceful shutdown short.
  const workers = startProcess(process.execPath, ['--import', 'tsx', 'workers/index.ts'], {
    cwd: root,
    env: { ...env, NODE_ENV: env.NODE_ENV || (dev ? 'development' : 'production') },
    name: 'workers',
    output: { prefix: 'workers │ ', color: 'magenta' },
  });
  // The API process runs its production bundle (scripts/build-api.mjs); `--dev` runs the sources through tsx.
  const api = startProcess(process.execPath, dev ? ['--import', 'tsx', 'server/http/main.ts'] : ['--enable-source-maps', '.build/api/main.js'], {
    cwd: root,
    env: { ...env, NW_SERVICE: 'api', NODE_ENV: env.NODE_ENV || (dev ? 'development' : 'production') },
    name: 'api',
    output: { prefix: 'api     │ ', color: 'yellow' },
  });
  for (const service of [web, workers, api]) {
    active.add(service);
    service.exited.then((status) => {
      active.delete(service);
      if (phase !== 'running') return;
      console.error(paint('red', `✗ ${service.name} stopped unexpectedly (${describeExit(status)}); stopping the rest.`));
      void shutdown('SIGTERM', exitCodeOf(status) || 1);
    });
  }
  void announceWhenReady(port, web, url);
}

async function main() {
  const reason = installReason();
  if (reason) {
    await step(`Installing dependencies, as ${reason}`, 'npm', ['install', '--no-audit', '--no-fund'], process.env);
    const marker = path.join(root, 'node_modules', '.package-lock.json');
    const now = new Date();
    // npm may rewrite package-lock.json after node_modules; don't let that trigger another install next time.
    if (existsSync(marker)) utimesSync(marker, now, now);
  }

  const envFile = ensureEnvLocal(root, process.env);
  if (envFile.added.length > 0) say(`Wrote ${envFile.added.join(' and ')} to .env.local`);
  // Children see .env.local too (Next reads it itself; so do the scripts), but the environment wins.
  const env = { ...envFile.values, ...process.env };
  const port = parsePort(env.PORT || 3000);
  env.PORT = String(port);
  // The simulated cluster (when no real one is configured) keeps its state across restarts of npm start.
  env.NEUROWEAVER_SIM_STATE ||= '.data/sim/state.json';
  const stale = /^http:\/\/localhost:(\d+)\/?$/.exec(env.NEXTAUTH_URL ?? '');
  if (!process.env.NEXTAUTH_URL && stale && Number(stale[1]) !== port) {
    env.NEXTAUTH_URL = `http://localhost:${port}`;
    say(`Using NEXTAUTH_URL=${env.NEXTAUTH_URL} for this run (.env.local names port ${stale[1]})`);
  }
  if (await portInUse(port)) {
    console.error(`Port ${port} is already in use; stop what runs there or choose another with PORT=<port> npm ${dev ? 'run dev' : 'start'}`);
    process.exit(1);
  }
  env.API_PORT = String(parsePort(env.API_PORT || 3001, 'API_PORT'));
  if (await portInUse(Number(env.API_PORT))) {
    console.error(`Port ${env.API_PORT} (the data-plane API process) is already in use; stop what runs there or choose another with API_PORT=<port> npm ${dev ? 'run dev' : 'start'}`);
    process.exit(1);
  }

  const tsx = localBin(root, 'tsx');
  await step('Migrating the database', tsx, ['db/migrate.ts'], env, { ownErrors: true });
  await step('Seeding demo data', tsx, ['db/seed.ts'], env, { ownErrors: true });
  if (!dev) await step('Building the web app', localBin(root, 'next'), ['build'], env);
  if (!dev) await step('Building the API process', process.execPath, ['scripts/build-api.mjs'], env);
  if (phase !== 'setup') return;
  runServices(env, port);
}

main().catch((error) => {
  console.error(error);
  void shutdown('SIGTERM', 1);
});
