'use client';

import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import inc from 'semver/functions/inc';
import { useTRPC } from '@/components/providers/trpc';
import { SemverBadge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Field, FormError } from '@/components/ui/field';
import { formErrors } from './form-errors';
import styles from './registry.module.css';
import { type BumpLevel, bumpLevels, type Version } from './types';
import { useRegistryRefresh } from './use-registry-refresh';
import { type ExtraField, extraFields, readExtras, VersionExtras } from './version-extras';

const fields = ['level', 'from', 'preid', ...extraFields] as const;
type F = (typeof fields)[number];

const levelHelp: Record<BumpLevel, string> = {
  major: 'breaking change',
  minor: 'new capability, compatible',
  patch: 'fix or retrain, compatible',
  prerelease: 'release candidate',
};

/** The version the server will create (mirrors server/registry/versioning.ts `bumpVersion`). */
function preview(from: string | undefined, level: BumpLevel, preid: string): string | null {
  if (!from) return null;
  try {
    return (preid && level === 'prerelease' ? inc(from, level, preid, '0') : inc(from, level)) ?? null;
  } catch {
    return null;
  }
}

/** "Bump version": the next major / minor / patch / prerelease of the latest (or a chosen) version. */
export function BumpVersionForm({
  slug,
  versions,
  onDone,
  onCancel,
}: {
  slug: string;
  versions: readonly Version[];
  onDone: (created: Version) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const refresh = useRegistryRefresh();
  const [level, setLevel] = useState<BumpLevel>('minor');
  const [from, setFrom] = useState('');
  const [preid, setPreid] = useState('');
  const [localErrors, setLocalErrors] = useState<Partial<Record<ExtraField, string>>>({});
  const bump = useMutation(
    trpc.registry.bumpVersion.mutationOptions({
      onSuccess: (created) => {
        void refresh();
        onDone(created);
      },
    }),
  );
  const serverErrors = formErrors<F>(bump.error, fields, { prefix: 'data.', aliases: { metricDirections: 'metrics' } });
  const errors = { ...serverErrors, ...localErrors };
  const base = from || versions[0]?.version;
  const next = preview(base, level, level === 'prerelease' ? preid.trim() : '');

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const extras = readExtras(new FormData(e.currentTarget));
    if (!extras.ok) {
      bump.reset(); // a stale server error would sit next to the new local one
      setLocalErrors(extras.errors);
      return;
    }
    setLocalErrors({});
    bump.mutate({
      model: slug,
      data: { level, from: from || undefined, preid: level === 'prerelease' && preid.trim() ? preid.trim() : undefined, ...extras.value },
    });
  }

  if (!versions.length) {
    return (
      <div className="stack">
        <p className="muted">There is no version to bump yet. Register the first one with an explicit version number.</p>
        <div>
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        </div>
      </div>
    );
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Bump version">
      <FormError>{errors.form}</FormError>
      <div className={styles.formGrid}>
        <Field label="Level" error={errors.level} hint={levelHelp[level]}>
          <select className="select" name="level" value={level} onChange={(e) => setLevel(e.target.value as BumpLevel)}>
            {bumpLevels.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </Field>
        <Field label="From" error={errors.from} hint="The version to bump and inherit from.">
          <select className="select" name="from" value={from} onChange={(e) => setFrom(e.target.value)}>
            <option value="">Latest ({versions[0].version})</option>
            {versions.map((v) => (
              <option key={v.id} value={v.version}>
                {v.version}
                {v.status !== 'registered' ? ` (${v.status})` : ''}
              </option>
            ))}
          </select>
        </Field>
        {level === 'prerelease' && (
          <Field label="Prerelease id" error={errors.preid} hint="Optional, e.g. rc or beta.">
            <input className="input mono" name="preid" value={preid} onChange={(e) => setPreid(e.target.value)} autoComplete="off" />
          </Field>
        )}
      </div>
      <div className={styles.bumpPreview} aria-live="polite">
        <span className="muted">Result:</span> {base ? <SemverBadge version={base} /> : null} <span aria-hidden="true">→</span>{' '}
        {next ? (
          <span data-testid="bump-preview">
            <SemverBadge version={next} />
          </span>
        ) : (
          <span className="text-danger small">cannot bump {base} by {level}</span>
        )}
      </div>
      <VersionExtras errors={errors} inheritHint={`Blank: inherit from ${base}.`} />
      <div className="row gap-sm">
        <Button type="submit" variant="primary" pending={bump.isPending}>
          Bump version
        </Button>
        <Button variant="ghost" onClick={onCancel} disabled={bump.isPending}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
