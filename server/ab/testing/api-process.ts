import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll } from 'vitest';

const root = path.resolve(__dirname, '../../..');

/** A dedicated API process started by a test. */
export interface ApiProcess {
  /** Its base URL (the routes are under `${url}/api/v1`). */
  url: string;
  child: ChildProcess;
  /** Resolves when it has exited: with its exit code, or null when a signal ended it (SIGKILL). */
  exited: Promise<number | null>;
}

/** The processes this test file started that have not exited yet, with their exit promises. */
const running = new Map<ChildProcess, Promise<number | null>>();

// Registered in every test file that imports this module (each file has its own module instance): whatever
// a file started is killed after its tests, even when a test failed before stopping its own.
afterAll(async () => {
  for (const [child, exited] of running) {
    child.kill('SIGKILL');
    await exited;
  }
});

/**
 * The dedicated API process (`npm run api`, here from the sources as `npm run api:dev` does) on a free
 * port, with this test run's environment (database, Redis prefix) plus `extraEnv`; resolves once it
 * listens. Its output is drained (a full pipe would stall it) and its tail is kept for the error
 * when it exits before listening.
 */
export function startApiProcess(extraEnv: Record<string, string> = {}): Promise<ApiProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/http/main.ts'], { cwd: root, env: { ...process.env, API_PORT: '0', ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  running.set(child, exited);
  void exited.then(() => running.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    let listening = false;
    const collect = (chunk: Buffer) => (out = (out + chunk.toString()).slice(-20_000));
    child.stdout!.on('data', (chunk: Buffer) => {
      collect(chunk);
      const match = !listening && out.match(/api server ready at (http:\/\/\S+)\/api\/v1/);
      if (match) {
        listening = true;
        resolve({ url: match[1], child, exited });
      }
    });
    child.stderr!.on('data', collect);
    child.once('exit', (code, signal) => reject(new Error(`api process exited (${code ?? signal}) before listening:\n${out}`)));
  });
}
