import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, getEnv, resetEnvCache } from './env';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
});

function envWith(overrides: Record<string, string | undefined>) {
  process.env = { ...saved, NEXTAUTH_SECRET: 'x'.repeat(40), ...overrides };
  resetEnvCache();
  return getEnv;
}

describe('getEnv', () => {
  it('uses the defaults that work on this machine', () => {
    const env = envWith({ DATABASE_URL: undefined, REDIS_URL: '', PORT: undefined, DEBUG: undefined })();
    expect(env).toMatchObject({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/neuroweaver', REDIS_URL: 'redis://127.0.0.1:6379', PORT: 3000, DEBUG: false, oidcEnabled: false });
  });

  it.each([
    [{ DATABASE_URL: 'mysql://x' }, /^Configuration error: DATABASE_URL must be a URL starting with postgres:\/\//],
    [{ PORT: 'eighty' }, /^Configuration error: PORT /],
    [{ NEXTAUTH_SECRET: 'short' }, /^Configuration error: NEXTAUTH_SECRET must be at least 32 characters/],
    [{ NEXTAUTH_SECRET: '' }, /^Configuration error: NEXTAUTH_SECRET is not set/],
    [{ DEBUG: 'maybe' }, /^Configuration error: DEBUG must be true or false/],
    [{ OIDC_ISSUER: 'https://sso.example.com' }, /^Configuration error: OIDC_CLIENT_ID is required when any OIDC_\* variable is set/],
  ])('refuses %o with one line naming the variable', (overrides, message) => {
    const get = envWith(overrides);
    expect(get).toThrow(ConfigError);
    expect(get).toThrow(message);
    try {
      get();
    } catch (e) {
      expect((e as Error).message.split('\n')).toHaveLength(1);
    }
  });

  it('enables OIDC when all three values are set and DEBUG=true', () => {
    const env = envWith({ OIDC_ISSUER: 'https://sso.example.com', OIDC_CLIENT_ID: 'nw', OIDC_CLIENT_SECRET: 's', DEBUG: 'true' })();
    expect(env.oidcEnabled).toBe(true);
    expect(env.DEBUG).toBe(true);
  });
});
