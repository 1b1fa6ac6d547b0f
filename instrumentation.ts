/** Next calls this once at server start: configuration is validated before the first request. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getEnvOrExit } = await import('./server/env');
  getEnvOrExit();
}
