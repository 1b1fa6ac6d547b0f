'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { useCan } from '@/components/auth/use-can';
import { useTRPC } from '@/components/providers/trpc';
import { formErrors } from '@/components/registry/form-errors';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Field, FormError } from '@/components/ui/field';
import { deploymentHref } from './types';

const fields = ['model', 'version', 'environment', 'replicas', 'resources.gpu', 'resources.cpu', 'resources.memory'] as const;

/** Deploy a version to staging (or, for admins, production). The server validates everything. */
export function DeployForm({ onCancel, model: fixedModel }: { onCancel: () => void; model?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const canProduction = useCan('deployments:production');
  const models = useQuery(trpc.registry.listModels.queryOptions({ limit: 200, offset: 0 }, { enabled: !fixedModel }));
  const [model, setModel] = useState(fixedModel ?? '');
  const deploy = useMutation(
    trpc.deployments.deploy.mutationOptions({
      onSuccess: (d) => {
        void queryClient.invalidateQueries(trpc.deployments.list.pathFilter());
        router.push(deploymentHref(d.id));
      },
    }),
  );
  const errors = formErrors(deploy.error, fields, { prefix: 'body.' });

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const text = (k: string) => String(form.get(k) ?? '').trim();
    deploy.mutate({
      model,
      body: {
        environment: text('environment') as 'staging' | 'production',
        version: text('version') || undefined,
        replicas: Number(text('replicas')),
        resources: { gpu: Number(text('gpu')), cpu: text('cpu'), memory: text('memory') },
      },
    });
  }

  return (
    <Card title="Deploy a model">
      <form className="form" onSubmit={onSubmit} noValidate aria-label="Deploy a model">
        <FormError>{errors.form}</FormError>
        <div className="form-grid">
          {!fixedModel && (
            <Field label="Model" error={errors.model}>
              <select className="select" name="model" value={model} onChange={(e) => setModel(e.target.value)} required>
                <option value="">Choose a model…</option>
                {models.data?.items.map((m) => (
                  <option key={m.id} value={m.slug}>
                    {m.displayName} ({m.slug})
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field label="Environment" error={errors.environment}>
            <select className="select" name="environment" defaultValue="staging">
              <option value="staging">staging</option>
              {canProduction && <option value="production">production</option>}
            </select>
          </Field>
          <Field label="Version" error={errors.version} hint="Empty: the model's staging or production version.">
            <input className="input mono" name="version" autoComplete="off" placeholder="e.g. 1.2.0" />
          </Field>
          <Field label="Replicas" error={errors.replicas}>
            <input className="input" name="replicas" type="number" min={0} defaultValue={1} />
          </Field>
          <Field label="GPUs per replica" error={errors['resources.gpu']}>
            <input className="input" name="gpu" type="number" min={0} defaultValue={1} />
          </Field>
          <Field label="CPU" error={errors['resources.cpu']}>
            <input className="input mono" name="cpu" defaultValue="4" />
          </Field>
          <Field label="Memory" error={errors['resources.memory']}>
            <input className="input mono" name="memory" defaultValue="16Gi" />
          </Field>
        </div>
        <div className="row gap-sm">
          <Button type="submit" variant="primary" pending={deploy.isPending}>
            Deploy
          </Button>
          <Button variant="ghost" onClick={onCancel} disabled={deploy.isPending}>
            Cancel
          </Button>
        </div>
      </form>
    </Card>
  );
}
