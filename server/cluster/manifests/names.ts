import { createHash } from 'node:crypto';

/*
 * Names and label values for everything NeuroWeaver creates on a cluster.
 *
 * Object names are DNS-1035 labels (lowercase letters, digits and "-", at most 63 characters, starting
 * with a letter and ending with a letter or digit). That is stricter than the DNS-1123 label most kinds
 * accept, and what Services require, so one rule serves every kind.
 *
 * A name is built from parts. A part whose readable form loses information (uppercase, ".", "+", "_",
 * repeated or edge hyphens, a leading digit) or a name that must be shortened gets "-" and 8 hex digits
 * of the SHA-256 of the whole, untouched input appended, so two different inputs never share a name
 * while the name stays readable. Canonical versions ("1.10.0", "1.10.0-rc.1") are encoded losslessly
 * ("v1-10-0", "v1-10-0-rc-1"): their prerelease identifiers contain no "-", so the readable form can be
 * read back and needs no hash. "1.0.0+build.7", "1.0.0-rc-1" or "1.0.0-RC.1" get one.
 */

export const NAME_MAX_LENGTH = 63;
export const LABEL_VALUE_MAX_LENGTH = 63;
const HASH_LENGTH = 8;

export const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

interface NamePart {
  /** The text as given; the hash covers it. */
  raw: string;
  /** Lowercase letters, digits and single inner hyphens. */
  readable: string;
  /** Whether `readable` identifies `raw` on its own. */
  lossless: boolean;
}

function shortHash(input: string): string {
  return createHash('sha256').update(input).digest('hex').slice(0, HASH_LENGTH);
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** A free-text part: a slug, a stage name, an environment. */
export function textPart(raw: string): NamePart {
  const readable = normalise(raw);
  return { raw, readable, lossless: readable === raw && readable !== '' };
}

/** Canonical semver without build metadata and with hyphen-free lowercase prerelease identifiers. */
const CANONICAL_VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9a-z]+(\.[0-9a-z]+)*)?$/;

/** A version part: "1.10.0-rc.1" → "v1-10-0-rc-1" (lossless); anything else is normalised and hashed. */
export function versionPart(raw: string): NamePart {
  const lossless = CANONICAL_VERSION.test(raw);
  return { raw, readable: `v${normalise(raw)}`.replace(/^v$/, ''), lossless };
}

/**
 * Joins parts into a DNS-1035 label of at most `maxLength` characters (see the file comment). Parts are
 * joined with "-", so callers pass parts whose boundaries cannot shift (a fixed stage name, a uuid, a
 * counter) or mark them lossy.
 */
export function dnsName(parts: Array<string | NamePart>, maxLength = NAME_MAX_LENGTH): string {
  if (maxLength < HASH_LENGTH + 2) throw new Error(`maxLength must be at least ${HASH_LENGTH + 2}`);
  const resolved = parts.map((p) => (typeof p === 'string' ? textPart(p) : p));
  let readable = resolved.map((p) => p.readable).filter(Boolean).join('-');
  let lossless = resolved.every((p) => p.lossless);
  if (!/^[a-z]/.test(readable)) {
    // Services need a leading letter; the prefix could meet a real "n-…" input, so it costs the hash.
    readable = readable ? `n-${readable}` : 'n';
    lossless = false;
  }
  if (lossless && readable.length <= maxLength) return readable;
  const hash = shortHash(resolved.map((p) => p.raw).join('\u0000'));
  const head = readable.slice(0, maxLength - HASH_LENGTH - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}

/**
 * `sales-assistant` + `1.10.0-rc.1` → `sales-assistant-v1-10-0-rc-1`. The version starts at the first
 * "-v<digit>", so a slug that itself contains one ("llama-v2") would make the split ambiguous
 * ("llama-v2" + "1.0.0" against "llama" + "2.0.0-…"): such a slug costs the hash.
 */
export function versionedName(familySlug: string, version: string): string {
  const slug = textPart(familySlug);
  if (/(^|-)v\d/.test(slug.readable)) slug.lossless = false;
  return dnsName([slug, versionPart(version)]);
}

/**
 * A valid label value (at most 63 characters of `[A-Za-z0-9._-]`, alphanumeric at both ends, or empty).
 * Valid input is returned unchanged; anything else is sanitised and gets the hash of the original, so
 * `1.0.0+build.7` and `1.0.0-build.7` stay distinct. Keep the exact value in an annotation.
 */
export function labelValue(raw: string): string {
  if (raw.length <= LABEL_VALUE_MAX_LENGTH && LABEL_VALUE.test(raw)) return raw;
  const sanitised = raw.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  const head = sanitised.slice(0, LABEL_VALUE_MAX_LENGTH - HASH_LENGTH - 1).replace(/[^A-Za-z0-9]+$/, '');
  const hash = shortHash(raw);
  return head ? `${head}-${hash}` : hash;
}

/** Whether `name` is a DNS-1035 label of at most 63 characters. */
export function isValidName(name: string): boolean {
  return name.length <= NAME_MAX_LENGTH && DNS_1035_LABEL.test(name);
}

/** Whether `value` is a valid label value. */
export function isValidLabelValue(value: string): boolean {
  return value.length <= LABEL_VALUE_MAX_LENGTH && LABEL_VALUE.test(value);
}
