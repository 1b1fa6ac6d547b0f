#!/usr/bin/env node
// `npm test`: every check the project has, in order, stopping at the first failure.
//
//   typecheck    tsc --noEmit
//   lint         eslint .
//   unit         vitest run --project unit
//   integration  vitest run --project integration   (throwaway database + Redis prefix, see test/global-setup.ts)
//   build        next build                          (skipped when E2E_SKIP_BUILD=1 and .next has a build)
//   e2e          playwright test                     (see playwright.config.ts and e2e/support/)
//
// `npm test -- unit lint` runs only the named steps (in the order above). The exit code is 0 only when
// every step that ran passed.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { readEnvFile } from './lib/env-file.mjs';
import { describeExit, exitCodeOf, formatDuration, localBin, onTerminationSignal, paint, startProcess } from './lib/proc.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const bin = (name) => localBin(root, name);

const steps = [
  { name: 'typecheck', command: bin('tsc'), args: ['--noEmit'] },
  { name: 'lint', command: bin('eslint'), args: ['.'] },
  { name: 'unit', command: bin('vitest'), args: ['run', '--project', 'unit'] },
  { name: 'integration', command: bin('vitest'), args: ['run', '--project', 'integration'] },
  {
    name: 'build',
    command: bin('next'),
    args: ['build'],
    skip: () =>
      process.env.E2E_SKIP_BUILD === '1' && existsSync(path.join(root, '.next', 'BUILD_ID'))
        ? 'E2E_SKIP_BUILD=1 and .next holds a build'
        : null,
  },
  { name: 'e2e', command: bin('playwright'), args: ['test'] },
];

const requested = process.argv.slice(2);
if (requested.includes('--help') || requested.includes('-h')) {
  console.log(`Usage: node scripts/test.mjs [step ...]\n\nSteps, in order: ${steps.map((s) => s.name).join(', ')} (default: all).`);
  process.exit(0);
}
const unknown = requested.filter((name) => !steps.some((s) => s.name === name));
if (unknown.length > 0) {
  console.error(`test: unknown step "${unknown[0]}"; the steps are ${steps.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const selected = requested.length > 0 ? steps.filter((s) => requested.includes(s.name)) : steps;

// `next build` may load server modules that read the configuration; a fresh clone has no .env.local yet,
// so the build gets a throwaway secret (nothing is written). The e2e server makes its own, see e2e/support.
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? '1' };
const buildEnv = { ...env };
if (!env.NEXTAUTH_SECRET && !readEnvFile(path.join(root, '.env.local')).NEXTAUTH_SECRET) {
  buildEnv.NEXTAUTH_SECRET = randomBytes(32).toString('hex');
}

let current = null;
let interrupted = null;
let stopping = Promise.resolve();
onTerminationSignal((signal) => {
  if (interrupted) {
    console.error(paint('yellow', `\nReceived ${signal} again; killing ${current?.name ?? 'everything'} now.`));
    current?.kill();
    process.exit(130);
  }
  interrupted = signal;
  if (!current) process.exit(130);
  // Exactly one signal reaches the step (it runs in its own process group), so e.g. Playwright still
  // runs its global teardown and drops the e2e database.
  stopping = current.stop(signal === 'SIGHUP' ? 'SIGTERM' : signal, 60_000);
});
process.on('exit', () => current?.running && current.kill());

const results = [];
const line = (text) => console.log(paint('bold', text));
const rule = '─'.repeat(72);

for (const step of selected) {
  const shown = [path.basename(step.command), ...step.args].join(' ');
  const skipReason = step.skip?.();
  if (skipReason) {
    line(`\n${rule}\n▸ ${step.name}: skipped (${skipReason})`);
    results.push({ step, outcome: 'skipped', ms: 0 });
    continue;
  }
  line(`\n${rule}\n▸ ${step.name}  ${paint('dim', shown)}\n${rule}`);
  const started = Date.now();
  current = startProcess(step.command, step.args, { cwd: root, env: step.name === 'build' ? buildEnv : env, name: step.name });
  const status = await current.finished();
  await stopping; // after a signal, until the step's process group is gone
  current = null;
  const ms = Date.now() - started;
  const ok = status.code === 0 && !interrupted;
  results.push({ step, outcome: ok ? 'passed' : 'failed', ms, status });
  const why = interrupted ? `interrupted by ${interrupted}` : describeExit(status);
  line(ok ? paint('green', `✓ ${step.name} passed in ${formatDuration(ms)}`) : paint('red', `✗ ${step.name} failed (${why}) after ${formatDuration(ms)}`));
  if (!ok) break;
}

const passed = results.filter((r) => r.outcome === 'passed').length;
const failed = results.filter((r) => r.outcome === 'failed').length;
const skipped = results.filter((r) => r.outcome === 'skipped').map((r) => r.step.name);
const notRun = selected.slice(results.length).map((s) => s.name);

console.log(`\n${rule}`);
for (const r of results) {
  const mark = r.outcome === 'passed' ? paint('green', '✓') : r.outcome === 'failed' ? paint('red', '✗') : paint('yellow', '-');
  console.log(`${mark} ${r.step.name.padEnd(12)} ${r.outcome.padEnd(8)} ${r.outcome === 'skipped' ? '' : formatDuration(r.ms)}`);
}
for (const name of notRun) console.log(`${paint('dim', '·')} ${name.padEnd(12)} not run`);
const extras = [skipped.length ? `skipped: ${skipped.join(', ')}` : '', notRun.length ? `not run: ${notRun.join(', ')}` : '']
  .filter(Boolean)
  .join('; ');
console.log(`test: ${passed} passed, ${failed} failed${extras ? ` (${extras})` : ''}`);

if (interrupted) process.exit(interrupted === 'SIGINT' ? 130 : 143);
const failure = results.find((r) => r.outcome === 'failed');
process.exit(failure ? exitCodeOf(failure.status) || 1 : 0);
