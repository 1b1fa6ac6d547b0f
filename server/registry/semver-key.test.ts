import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { semverSortKey } from './semver-key';

// Byte-wise comparison, as PostgreSQL's COLLATE "C" does.
const byteCompare = (a: string, b: string) => (Buffer.from(a) < Buffer.from(b) ? -1 : Buffer.from(a) > Buffer.from(b) ? 1 : 0);

describe('semverSortKey', () => {
  it('orders the semver.org §11 example exactly', () => {
    const ordered = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'];
    const shuffled = [...ordered].reverse();
    expect(shuffled.sort((a, b) => byteCompare(semverSortKey(a), semverSortKey(b)))).toEqual(ordered);
  });

  it('agrees with semver.compare on many generated pairs', () => {
    const ids = ['alpha', 'alpha-x', 'beta', 'rc', '1', '2', '10', 'a1', 'A', 'Z', '0'];
    const versions: string[] = [];
    for (const core of ['0.0.1', '0.1.0', '1.0.0', '1.2.10', '1.10.2', '10.0.0', '2.0.0']) {
      versions.push(core);
      for (const a of ids) {
        versions.push(`${core}-${a}`);
        for (const b of ids.slice(0, 5)) versions.push(`${core}-${a}.${b}`);
      }
    }
    for (let i = 0; i < versions.length; i++) {
      for (let j = 0; j < versions.length; j += 7) {
        const a = versions[i];
        const b = versions[j];
        expect(Math.sign(byteCompare(semverSortKey(a), semverSortKey(b))), `${a} vs ${b}`).toBe(semver.compare(a, b));
      }
    }
  });

  it('ignores build metadata and rejects non-semver input', () => {
    expect(semverSortKey('1.0.0+build.7')).toBe(semverSortKey('1.0.0'));
    expect(() => semverSortKey('1.0')).toThrow(/not a semantic version/);
  });
});
