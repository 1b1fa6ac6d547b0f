'use client';

import { Field } from '@/components/ui/field';
import { parseConfig, parseMetrics, parseTags } from './parse';
import styles from './registry.module.css';
import type { CreateVersionData } from './types';

/** Optional fields shared by "Register version" and "Bump version" (all inherit from the parent when blank). */
export const extraFields = ['metrics', 'config', 'notes', 'artifactUri', 'tags'] as const;
export type ExtraField = (typeof extraFields)[number];

export type Overrides = Pick<CreateVersionData, 'metrics' | 'config' | 'notes' | 'artifactUri' | 'tags'>;

/** Reads the extra fields from a submitted form; client-side parse errors come back per field. */
export function readExtras(form: FormData): { ok: true; value: Overrides } | { ok: false; errors: Partial<Record<ExtraField, string>> } {
  const text = (k: string) => String(form.get(k) ?? '');
  const metrics = parseMetrics(text('metrics'));
  const config = parseConfig(text('config'));
  const errors: Partial<Record<ExtraField, string>> = {};
  if (!metrics.ok) errors.metrics = metrics.error;
  if (!config.ok) errors.config = config.error;
  if (!metrics.ok || !config.ok) return { ok: false, errors };
  const notes = text('notes').trim();
  const artifactUri = text('artifactUri').trim();
  return {
    ok: true,
    value: { metrics: metrics.value, config: config.value, notes: notes || undefined, artifactUri: artifactUri || undefined, tags: parseTags(text('tags')) },
  };
}

export function VersionExtras({ errors, inheritHint }: { errors: Partial<Record<ExtraField | 'form', string>>; inheritHint: string }) {
  return (
    <>
      <div className={styles.formGrid}>
        <Field label="Metrics" error={errors.metrics} hint={`One name=value per line, e.g. accuracy=0.91. ${inheritHint}`}>
          <textarea className="input mono" name="metrics" rows={4} spellCheck={false} placeholder={'accuracy=0.91\neval_loss=0.42'} />
        </Field>
        <Field label="Config (JSON)" error={errors.config} hint={`A JSON object, deep-merged over the parent's config. ${inheritHint}`}>
          <textarea className="input mono" name="config" rows={4} spellCheck={false} placeholder={'{ "lora_r": 16, "learning_rate": 0.0002 }'} />
        </Field>
      </div>
      <div className={styles.formGrid}>
        <Field label="Artifact URI" error={errors.artifactUri} hint="Optional, e.g. s3://models/sales/1.2.0">
          <input className="input mono" name="artifactUri" autoComplete="off" />
        </Field>
        <Field label="Tags" error={errors.tags} hint="Optional, comma-separated.">
          <input className="input" name="tags" autoComplete="off" />
        </Field>
      </div>
      <Field label="Notes" error={errors.notes} hint="Optional: what changed and why.">
        <textarea className="input" name="notes" rows={2} />
      </Field>
    </>
  );
}
