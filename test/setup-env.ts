// Each integration test file sees the throwaway database and Redis prefix made by global-setup.ts.
if (!process.env.DATABASE_URL?.includes('/nw_test_')) {
  throw new Error('integration tests must run through vitest --project integration (global setup missing)');
}
