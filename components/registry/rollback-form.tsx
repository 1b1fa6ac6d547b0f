'use client';

import { useMutation } from '@tanstack/react-query';
import { type FormEvent } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { Button } from '@/components/ui/button';
import { Field, FormError } from '@/components/ui/field';
import { formErrors } from './form-errors';
import styles from './registry.module.css';
import type { Approval, Version } from './types';
import { useRegistryRefresh } from './use-registry-refresh';

const fields = ['toVersion', 'reason'] as const;

/** Versions a rollback may go to: earlier than production (newest-first list order) and not archived. */
export function rollbackTargets(versions: readonly Version[], production: string | null): Version[] {
  if (!production) return [];
  const at = versions.findIndex((v) => v.version === production);
  if (at < 0) return [];
  return versions.slice(at + 1).filter((v) => v.status !== 'archived');
}

/** "Request rollback": asks an admin (other than the requester) to move production back. */
export function RollbackForm({
  slug,
  production,
  versions,
  onDone,
  onCancel,
}: {
  slug: string;
  production: string;
  versions: readonly Version[];
  onDone: (approval: Approval) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const refresh = useRegistryRefresh();
  const request = useMutation(
    trpc.registry.requestRollback.mutationOptions({
      onSuccess: (approval) => {
        void refresh();
        onDone(approval);
      },
    }),
  );
  const errors = formErrors(request.error, fields);
  const targets = rollbackTargets(versions, production);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    request.mutate({ model: slug, toVersion: String(form.get('toVersion') ?? ''), reason: String(form.get('reason') ?? '').trim() });
  }

  if (!targets.length) {
    return (
      <div className="stack">
        <p className="muted">Production runs {production}; there is no earlier, non-archived version to roll back to.</p>
        <div>
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        </div>
      </div>
    );
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Request rollback">
      <p className="small muted">
        Production runs <span className="mono">{production}</span>. An admin other than you must approve the request; production moves only then.
      </p>
      <FormError>{errors.form}</FormError>
      <div className={styles.formGrid}>
        <Field label="Target version" error={errors.toVersion}>
          <select className="select" name="toVersion" defaultValue={targets[0].version}>
            {targets.map((v) => (
              <option key={v.id} value={v.version}>
                {v.version}
                {v.status === 'staging' ? ' (staging)' : ''}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field label="Reason" error={errors.reason} hint="Required: what is wrong with production.">
        <textarea className="input" name="reason" rows={2} required minLength={3} />
      </Field>
      <div className="row gap-sm">
        <Button type="submit" variant="danger" pending={request.isPending}>
          Request rollback
        </Button>
        <Button variant="ghost" onClick={onCancel} disabled={request.isPending}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
