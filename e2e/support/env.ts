/** Where the e2e web server listens; playwright.config.ts and the global setup both read it from here. */
export const e2ePort = Number(process.env.E2E_PORT || 3100);
export const e2eBaseURL = `http://localhost:${e2ePort}`;
