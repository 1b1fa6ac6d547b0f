import pino from 'pino';

const debug = process.env.DEBUG === 'true' || process.env.DEBUG === '1';

/**
 * Structured logs (JSON lines). DEBUG=true turns on verbose output. Secrets never reach the logger:
 * the redact list is a safety net for objects that carry them by accident.
 */
export const logger = pino({
  level: debug ? 'debug' : process.env.NODE_ENV === 'test' ? 'warn' : 'info',
  base: { service: process.env.NW_SERVICE ?? 'web' },
  redact: {
    paths: ['password', '*.password', 'passwordHash', '*.passwordHash', 'authorization', '*.authorization', 'headers.authorization', 'headers.cookie', 'key', '*.key', 'secret', '*.secret', 'token', '*.token'],
    censor: '[redacted]',
  },
});

export type Logger = typeof logger;
