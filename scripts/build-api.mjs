#!/usr/bin/env node
// Builds the data-plane API process (server/http/main.ts) into one JavaScript file, .build/api/main.js.
//
// In production the API process runs this bundle with plain node: no TypeScript loader hooks and no
// per-function name wrappers on the hot path (the A/B assignment route served ~10 % more requests a second
// this way than through tsx). Packages stay in node_modules; only our own modules are bundled, with a
// source map so stack traces name the TypeScript lines.
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const apiBundle = path.join(root, '.build/api/main.js');

export async function buildApi() {
  await build({
    absWorkingDir: root,
    entryPoints: ['server/http/main.ts'],
    outfile: apiBundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    tsconfig: 'tsconfig.json',
    logLevel: 'warning',
  });
  return apiBundle;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildApi().then(
    (file) => console.log(`built ${path.relative(root, file)}`),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
