'use client';

import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { Button } from '@/components/ui/button';
import { Field, FormError } from '@/components/ui/field';
import { formErrors } from './form-errors';
import styles from './registry.module.css';
import type { Version } from './types';
import { useRegistryRefresh } from './use-registry-refresh';
import { type ExtraField, extraFields, readExtras, VersionExtras } from './version-extras';

const fields = ['version', 'parent', ...extraFields] as const;
type F = (typeof fields)[number];

/** "Register version": an explicit semantic version, optionally derived from a parent. */
export function RegisterVersionForm({
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
  const [localErrors, setLocalErrors] = useState<Partial<Record<ExtraField, string>>>({});
  const create = useMutation(
    trpc.registry.createVersion.mutationOptions({
      onSuccess: (created) => {
        void refresh();
        onDone(created);
      },
    }),
  );
  const serverErrors = formErrors<F>(create.error, fields, { prefix: 'data.', aliases: { metricDirections: 'metrics' } });
  const errors = { ...serverErrors, ...localErrors };

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const extras = readExtras(form);
    if (!extras.ok) {
      create.reset(); // a stale server error would sit next to the new local one
      setLocalErrors(extras.errors);
      return;
    }
    setLocalErrors({});
    const parent = String(form.get('parent') ?? '');
    create.mutate({ model: slug, data: { version: String(form.get('version') ?? '').trim(), parent: parent || undefined, ...extras.value } });
  }

  const latest = versions[0]?.version;
  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Register version">
      <FormError>{errors.form}</FormError>
      <div className={styles.formGrid}>
        <Field label="Version" error={errors.version} hint={latest ? `Semantic version; the latest is ${latest}.` : 'Semantic version, e.g. 1.0.0 or 1.1.0-rc.1.'}>
          <input className="input mono" name="version" autoComplete="off" autoFocus required placeholder={latest ? undefined : '1.0.0'} />
        </Field>
        <Field label="Parent" error={errors.parent} hint="Optional: inherits its base model, config and metrics.">
          <select className="select" name="parent" defaultValue="">
            <option value="">None</option>
            {versions.map((v) => (
              <option key={v.id} value={v.version}>
                {v.version}
                {v.status !== 'registered' ? ` (${v.status})` : ''}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <VersionExtras errors={errors} inheritHint="Blank: inherit from the parent." />
      <div className="row gap-sm">
        <Button type="submit" variant="primary" pending={create.isPending}>
          Register version
        </Button>
        <Button variant="ghost" onClick={onCancel} disabled={create.isPending}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
