import { describe, expect, it } from 'vitest';
import { dnsName, isValidLabelValue, isValidName, labelValue, textPart, versionedName } from './names';

const semverSamples = (): string[] => {
  const out: string[] = [];
  for (let major = 0; major < 3; major++)
    for (let minor = 0; minor < 11; minor += 2)
      for (let patch = 0; patch < 11; patch += 2) {
        const core = `${major}.${minor}.${patch}`;
        out.push(core, `${core}-rc.1`, `${core}-rc-1`, `${core}-RC.1`, `${core}+build.7`, `${core}-build.7`, `${core}-rc.1+exp.sha.5114f85`);
      }
  return out;
};

describe('versionedName', () => {
  it('maps canonical versions readably and without a hash', () => {
    expect(versionedName('sales-assistant', '1.10.0-rc.1')).toBe('sales-assistant-v1-10-0-rc-1');
    expect(versionedName('sales-assistant', '1.0.0')).toBe('sales-assistant-v1-0-0');
  });

  it('keeps build metadata distinct from the bare version and from a prerelease', () => {
    const bare = versionedName('m', '1.0.0');
    const build = versionedName('m', '1.0.0+build.7');
    const pre = versionedName('m', '1.0.0-build.7');
    expect(new Set([bare, build, pre]).size).toBe(3);
    expect(build).toMatch(/^m-v1-0-0-build-7-[0-9a-f]{8}$/);
  });

  it('never collides and always yields a valid name across thousands of versions and hostile slugs', () => {
    const slugs = ['sales-assistant', 'Sales-Assistant', 'a'.repeat(80), `${'x'.repeat(70)}.y`, 'llama-v2', 'llama', '7b-chat', 'a__b', '-edge-', '', 'ü-model'];
    const seen = new Map<string, string>();
    const problems: string[] = [];
    for (const slug of slugs) {
      for (const version of semverSamples()) {
        const name = versionedName(slug, version);
        const key = `${slug} ${version}`;
        if (!isValidName(name)) problems.push(`${key} → invalid ${name}`);
        const previous = seen.get(name);
        if (previous !== undefined && previous !== key) problems.push(`${name} for both ${previous} and ${key}`);
        seen.set(name, key);
      }
    }
    expect(problems).toEqual([]);
    expect(seen.size).toBe(slugs.length * semverSamples().length);
  });

  it('keeps a slug that looks like a version from shifting the split', () => {
    expect(versionedName('llama-v2', '1.0.0')).not.toBe(versionedName('llama', '2.0.0-1.0.0'));
  });

  it('truncates long inputs to 63 characters, readable head plus stable hash', () => {
    const slug = 'a'.repeat(80);
    const name = versionedName(slug, '1.10.0-rc.1');
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^a+-[0-9a-f]{8}$/);
    expect(versionedName(slug, '1.10.0-rc.1')).toBe(name);
    expect(versionedName(slug, '1.10.0-rc.2')).not.toBe(name);
  });

  it('lowercases, replaces dots, plus and underscores, collapses repeats and trims', () => {
    const name = dnsName(['My__Model..', '+Prod+']);
    expect(name).toMatch(/^my-model-prod-[0-9a-f]{8}$/);
    expect(isValidName(name)).toBe(true);
  });

  it('starts with a letter even for a digit-first slug', () => {
    const name = versionedName('7b-chat', '1.0.0');
    expect(name).toMatch(/^n-7b-chat-v1-0-0-[0-9a-f]{8}$/);
    expect(dnsName([textPart('')])).toMatch(/^n-[0-9a-f]{8}$/);
  });
});

describe('labelValue', () => {
  it('returns valid values unchanged', () => {
    for (const v of ['1.10.0-rc.1', 'sales-assistant', 'reward_model', 'A.b_c-1', '']) expect(labelValue(v)).toBe(v);
  });

  it('sanitises invalid values, keeping different inputs apart', () => {
    const build = labelValue('1.0.0+build.7');
    expect(isValidLabelValue(build)).toBe(true);
    expect(build).not.toBe(labelValue('1.0.0-build.7'));
    expect(build).toMatch(/^1\.0\.0-build\.7-[0-9a-f]{8}$/);
  });

  it('is valid for hostile inputs', () => {
    for (const v of ['x'.repeat(80), '-leading', 'trailing.', '+++', 'a b c', 'ünïcode', `${'y'.repeat(62)}+`, '.']) {
      const value = labelValue(v);
      expect(isValidLabelValue(value), `${v} → ${value}`).toBe(true);
    }
  });
});
