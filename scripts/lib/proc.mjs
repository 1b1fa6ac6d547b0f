// Child-process helpers shared by scripts/start.mjs and scripts/test.mjs. Node built-ins only.
//
// Every child is started in a process group of its own (`detached`), so a Ctrl-C in the terminal reaches
// only the script itself, which then forwards exactly one signal to each child. Without this, the child
// would get the terminal's SIGINT and the forwarded one, and tools that treat a second Ctrl-C as "force
// quit" (Playwright, tsx) would skip their cleanup. Stopping a child ends with its whole group, so
// grandchildren (tsx's node process, Next's render workers) never outlive it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

/** Path of a binary installed in node_modules/.bin (falls back to the bare name, found on PATH). */
export function localBin(root, name) {
  const file = path.join(root, 'node_modules', '.bin', name);
  return existsSync(file) ? file : name;
}

const colors = { cyan: 36, magenta: 35, yellow: 33, green: 32, red: 31, bold: 1, dim: 2 };
const useColor = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;

/** Wraps text in an ANSI colour when stdout is a terminal (and NO_COLOR is unset). */
export function paint(color, text) {
  return useColor ? `\u001b[${colors[color]}m${text}\u001b[0m` : text;
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/**
 * Starts `command args` in its own process group.
 * output: 'inherit' shares this terminal; { prefix, color } prefixes every line of stdout and stderr.
 * Returns { name, child, exited, stop(signal, graceMs), kill() }; `exited` resolves to { code, signal, error }.
 */
export function startProcess(command, args, { name = command, cwd, env, output = 'inherit' } = {}) {
  const piped = output !== 'inherit';
  const child = spawn(command, args, {
    cwd,
    env,
    detached: process.platform !== 'win32',
    stdio: ['ignore', piped ? 'pipe' : 'inherit', piped ? 'pipe' : 'inherit'],
  });

  let outputDone = Promise.resolve();
  if (piped) {
    const label = output.color ? paint(output.color, output.prefix) : output.prefix;
    const relay = (stream, target) =>
      new Promise((resolve) => {
        const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
        lines.on('line', (line) => target.write(`${label}${line}\n`));
        lines.on('close', resolve);
      });
    outputDone = Promise.all([relay(child.stdout, process.stdout), relay(child.stderr, process.stderr)]);
  }

  let result;
  const exited = new Promise((resolve) => {
    child.once('error', (error) => {
      result ??= { code: null, signal: null, error };
      resolve(result);
    });
    child.once('exit', (code, signal) => {
      result ??= { code, signal };
      resolve(result);
    });
  });

  const handle = {
    name,
    child,
    exited,
    /** Resolves once the child has exited and its output has been relayed (or after 2 s of stragglers). */
    async finished() {
      const status = await exited;
      await Promise.race([outputDone, sleep(2000, undefined, { ref: false })]);
      return status;
    },
    get running() {
      return result === undefined;
    },
    /**
     * Sends `signal` to the child, waits up to graceMs for it to exit, then SIGKILLs its whole group.
     * Whatever is left of the group after the child exits gets SIGTERM, then SIGKILL a moment later.
     */
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (result === undefined && child.pid) {
        try {
          child.kill(signal);
        } catch {
          // exited in the meantime
        }
      }
      const timedOut = await Promise.race([exited.then(() => false), sleep(graceMs, true, { ref: false })]);
      if (timedOut && child.pid) killGroup(child.pid, 'SIGKILL');
      const status = await exited;
      if (child.pid && process.platform !== 'win32' && groupAlive(child.pid)) {
        killGroup(child.pid, 'SIGTERM');
        for (let i = 0; i < 20 && groupAlive(child.pid); i += 1) await sleep(100);
        killGroup(child.pid, 'SIGKILL');
      }
      return status;
    },
    /** Immediately SIGKILLs the child's whole group (synchronous, safe in an 'exit' handler). */
    kill() {
      if (child.pid) killGroup(child.pid, 'SIGKILL');
    },
  };
  return handle;
}

/** "exit code 1", "signal SIGTERM" or the spawn error, for messages. */
export function describeExit({ code, signal, error }) {
  if (error) return error.code === 'ENOENT' ? `command not found (${error.path})` : error.message;
  if (signal) return `signal ${signal}`;
  return `exit code ${code}`;
}

/** Exit code to report for a finished child: its own code, 128+n for a signal, 1 for a spawn error. */
export function exitCodeOf({ code, signal }) {
  if (typeof code === 'number') return code;
  const numbers = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return signal && numbers[signal] ? 128 + numbers[signal] : 1;
}

/** Formats milliseconds as "850 ms", "12.3 s" or "2 min 05 s". */
export function formatDuration(ms) {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/**
 * Calls onSignal(signal) for SIGINT, SIGTERM and SIGHUP. A further signal within a second of the last is
 * ignored: `npm run` forwards the terminal's Ctrl-C to a script that the terminal has already signalled.
 */
export function onTerminationSignal(onSignal) {
  let last = 0;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      const now = Date.now();
      if (now - last < 1000) return;
      last = now;
      onSignal(signal);
    });
  }
}
