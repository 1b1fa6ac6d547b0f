import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { emptyAsUnset } from './env-fields';

/** Thrown when configuration is missing or malformed; its message is one line naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const optionalString = z.preprocess(emptyAsUnset, z.string().optional());
const url = (protocols: string[], fallback: string) =>
  z.preprocess(
    emptyAsUnset,
    z
      .string()
      .default(fallback)
      .refine((v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`),
  );

const envSchema = z
  .object({
    NODE_ENV: z.preprocess(emptyAsUnset, z.enum(['development', 'production', 'test']).default('development')),
    DATABASE_URL: url(['postgres:', 'postgresql:'], 'postgres://postgres@127.0.0.1:5432/neuroweaver'),
    REDIS_URL: url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
    /** Key prefix for every Redis key and BullMQ queue, so tests and several installs can share one Redis. */
    REDIS_PREFIX: z.preprocess(emptyAsUnset, z.string().regex(/^[a-z0-9:_-]+$/, 'must be lowercase letters, digits, ":", "_" or "-"').default('nw')),
    PORT: z.preprocess(emptyAsUnset, z.coerce.number().int('must be an integer').min(1).max(65535).default(3000)),
    NEXTAUTH_SECRET: z.preprocess(emptyAsUnset, z.string({ error: 'is not set (npm start writes one into .env.local)' }).min(32, 'must be at least 32 characters')),
    NEXTAUTH_URL: optionalString,
    /** Connections of this process's PostgreSQL pool (the worker process defaults it to 20: workers/index.ts). */
    DATABASE_POOL_MAX: z.preprocess(emptyAsUnset, z.coerce.number().int('must be an integer').min(1).max(200).default(10)),
    /** How long an A/B assignment's exposure may wait in memory before it is written (server/ab/exposures.ts). */
    AB_EXPOSURE_FLUSH_MS: z.preprocess(emptyAsUnset, z.coerce.number().int('must be an integer').min(1).max(60_000).default(5)),
    /** bcrypt cost factor for passwords (each +1 doubles the work). */
    BCRYPT_ROUNDS: z.preprocess(emptyAsUnset, z.coerce.number().int('must be an integer').min(4).max(15).default(12)),
    DEBUG: z.preprocess(emptyAsUnset, z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }).default('false')),
    OIDC_ISSUER: z.preprocess(emptyAsUnset, z.url('must be a URL').optional()),
    OIDC_CLIENT_ID: optionalString,
    OIDC_CLIENT_SECRET: optionalString,
    OIDC_NAME: z.preprocess(emptyAsUnset, z.string().default('Single sign-on')),
    /** Role given to users who first sign in through OIDC. */
    OIDC_DEFAULT_ROLE: z.preprocess(emptyAsUnset, z.enum(['admin', 'ml_engineer', 'product_manager', 'viewer']).default('viewer')),
  })
  .superRefine((env, ctx) => {
    const oidc = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET];
    if (oidc.some(Boolean) && !oidc.every(Boolean)) {
      const missing = (['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const).filter((k) => !env[k]);
      ctx.addIssue({ code: 'custom', path: [missing[0]], message: 'is required when any OIDC_* variable is set' });
    }
  });

export type Env = Omit<z.infer<typeof envSchema>, 'DEBUG'> & { DEBUG: boolean; oidcEnabled: boolean };

let cached: Env | undefined;

function loadLocalEnvFile() {
  // Next loads .env.local itself; workers, CLI and scripts read it here. Existing variables win.
  const file = path.join(process.cwd(), '.env.local');
  if (existsSync(file)) process.loadEnvFile(file);
}

/** Parses and validates configuration once; later calls return the same object. */
export function getEnv(): Env {
  if (cached) return cached;
  loadLocalEnvFile();
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue.path[0] ?? 'environment');
    const message = issue.code === 'invalid_type' && issue.input === undefined && !issue.message.startsWith('is ')
      ? 'is not set'
      : issue.message;
    throw new ConfigError(`Configuration error: ${variable} ${message}`);
  }
  const { DEBUG, ...rest } = parsed.data;
  cached = { ...rest, DEBUG: DEBUG === 'true' || DEBUG === '1', oidcEnabled: Boolean(rest.OIDC_ISSUER) };
  return cached;
}

/** Entry points call this: a configuration error ends the process with its one line, no stack trace. */
export function getEnvOrExit(): Env {
  try {
    return getEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/** For tests that change process.env between cases. */
export function resetEnvCache() {
  cached = undefined;
}
