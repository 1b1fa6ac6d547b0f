import semver from 'semver';

/*
 * A string whose byte order (COLLATE "C") is semver precedence, so PostgreSQL can sort versions,
 * paginate them and find the latest one through a plain btree index.
 *
 *   major.minor.patch  → three 16-digit zero-padded numbers (semver caps them at MAX_SAFE_INTEGER)
 *   release            → "~" (0x7E) after the core, so it sorts after every prerelease of that core
 *   prerelease         → "-" then identifiers joined by "!" (0x21, below every identifier character, so
 *                        a shorter identifier list sorts first, as semver §11.4.4 requires)
 *   numeric identifier → "0" + 16 digits; alphanumeric → "1" + itself (numeric < alphanumeric, §11.4.3)
 * Build metadata is ignored, as semver precedence ignores it.
 */
const pad = (n: number | string) => String(n).padStart(16, '0');

export function semverSortKey(version: string): string {
  const v = semver.parse(version);
  if (!v) throw new Error(`not a semantic version: ${version}`);
  const core = `${pad(v.major)}.${pad(v.minor)}.${pad(v.patch)}`;
  if (v.prerelease.length === 0) return `${core}~`;
  const ids = v.prerelease.map((id) => (typeof id === 'number' ? `0${pad(id)}` : `1${id}`));
  return `${core}-${ids.join('!')}`;
}
