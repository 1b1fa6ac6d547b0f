import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

describe('start-up with bad configuration', () => {
  it.each([
    ['db/migrate.ts', { DATABASE_URL: 'mysql://localhost/x' }, 'Configuration error: DATABASE_URL must be a URL starting with postgres:// or postgresql://'],
    ['workers/index.ts', { REDIS_URL: 'http://localhost:6379' }, 'Configuration error: REDIS_URL must be a URL starting with redis:// or rediss://'],
  ])('%s stops with one line naming the variable', (entry, env, line) => {
    const result = spawnSync(tsx, [entry], {
      cwd: root,
      env: { ...process.env, NEXTAUTH_SECRET: 'x'.repeat(40), DATABASE_URL: '', REDIS_URL: '', ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(line);
  });
});
