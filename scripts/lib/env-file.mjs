// Reads and fills in .env.local, the git-ignored file with this checkout's own settings.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import util from 'node:util';

const isSet = (value) => typeof value === 'string' && value.trim() !== '';

/** Parses KEY=VALUE lines (util.parseEnv where Node has it: 20.12 and later). */
export function parseEnvText(text) {
  if (typeof util.parseEnv === 'function') return util.parseEnv(text);
  const values = {};
  for (const raw of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(raw);
    if (!match) continue;
    let value = match[2].trim();
    const quoted = /^(['"`])([\s\S]*)\1$/.exec(value);
    if (quoted) value = quoted[2];
    else value = value.replace(/\s+#.*$/, '');
    values[match[1]] = value;
  }
  return values;
}

/** The variables in `file`, or {} when it does not exist. */
export function readEnvFile(file) {
  return existsSync(file) ? parseEnvText(readFileSync(file, 'utf8')) : {};
}

/**
 * Makes sure .env.local in `root` provides what the app needs that has no safe default:
 * - NEXTAUTH_SECRET, 64 random hex characters, unless the environment or the file already has one;
 * - NEXTAUTH_URL, http://localhost:<PORT or 3000>, unless the environment or the file already has one.
 * Existing lines are kept; new ones are appended. Returns { file, values, added } where `values` is the
 * file's content after the change and `added` lists the variables written.
 */
export function ensureEnvLocal(root, env = process.env) {
  const file = path.join(root, '.env.local');
  const existed = existsSync(file);
  const text = existed ? readFileSync(file, 'utf8') : '';
  const values = existed ? parseEnvText(text) : {};
  const port = isSet(env.PORT) ? env.PORT.trim() : isSet(values.PORT) ? values.PORT.trim() : '3000';

  const additions = [];
  if (!isSet(env.NEXTAUTH_SECRET) && !isSet(values.NEXTAUTH_SECRET)) {
    additions.push(['NEXTAUTH_SECRET', randomBytes(32).toString('hex')]);
  }
  if (!isSet(env.NEXTAUTH_URL) && !isSet(values.NEXTAUTH_URL)) {
    additions.push(['NEXTAUTH_URL', `http://localhost:${port}`]);
  }
  if (additions.length === 0) return { file, values, added: [] };

  let content = text;
  if (!existed) {
    content = '# Local settings for this checkout (git-ignored). Written by `npm start`; edit freely.\n';
  } else if (content.length > 0 && !content.endsWith('\n')) {
    content += '\n';
  }
  for (const [key, value] of additions) {
    content += `${key}=${value}\n`;
    values[key] = value;
  }
  writeFileSync(file, content, { mode: 0o600 });
  if (!existed) chmodSync(file, 0o600);
  return { file, values, added: additions.map(([key]) => key) };
}
