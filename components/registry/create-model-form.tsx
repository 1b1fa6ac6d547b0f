'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Field, FormError } from '@/components/ui/field';
import { formErrors } from './form-errors';
import styles from './registry.module.css';
import { modelHref } from './types';

const fields = ['slug', 'displayName', 'baseModel', 'specialization', 'description'] as const;

/** "New model": the server validates; its field errors show under the matching input. */
export function CreateModelForm({ onCancel }: { onCancel: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [slugTouched, setSlugTouched] = useState(false);
  const [slug, setSlug] = useState('');
  const create = useMutation(
    trpc.registry.createModel.mutationOptions({
      onSuccess: (model) => {
        void queryClient.invalidateQueries(trpc.registry.listModels.pathFilter());
        router.push(modelHref(model.slug));
      },
    }),
  );
  const errors = formErrors(create.error, fields);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const text = (k: string) => String(form.get(k) ?? '').trim();
    const description = text('description');
    create.mutate({
      slug: text('slug'),
      displayName: text('displayName'),
      baseModel: text('baseModel'),
      specialization: text('specialization'),
      description: description || undefined,
    });
  }

  return (
    <Card title="New model">
      <form className="form" onSubmit={onSubmit} noValidate aria-label="New model">
        <FormError>{errors.form}</FormError>
        <div className={styles.formGrid}>
          <Field label="Display name" error={errors.displayName}>
            <input
              className="input"
              name="displayName"
              autoComplete="off"
              autoFocus
              required
              onChange={(e) => {
                // Suggest a slug from the name until the user edits the slug themselves.
                if (!slugTouched) setSlug(slugify(e.target.value));
              }}
            />
          </Field>
          <Field label="Slug" error={errors.slug} hint="Lowercase letters, digits and “-”; used in URLs and the API.">
            <input
              className="input mono"
              name="slug"
              autoComplete="off"
              required
              value={slug}
              onChange={(e) => {
                setSlugTouched(true);
                setSlug(e.target.value);
              }}
            />
          </Field>
          <Field label="Base model" error={errors.baseModel} hint="e.g. meta-llama/Llama-3.1-8B-Instruct">
            <input className="input mono" name="baseModel" autoComplete="off" required />
          </Field>
          <Field label="Specialization" error={errors.specialization} hint="e.g. sales_assistant">
            <input className="input mono" name="specialization" autoComplete="off" required />
          </Field>
        </div>
        <Field label="Description" error={errors.description} hint="Optional.">
          <textarea className="input textarea" name="description" rows={3} />
        </Field>
        <div className="row gap-sm">
          <Button type="submit" variant="primary" pending={create.isPending}>
            Create model
          </Button>
          <Button variant="ghost" onClick={onCancel} disabled={create.isPending}>
            Cancel
          </Button>
        </div>
      </form>
    </Card>
  );
}

function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}
