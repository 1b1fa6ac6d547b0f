'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import Link from 'next/link';
import { type FormEvent, useState } from 'react';
import { useCan } from '@/components/auth/use-can';
import { useTRPC } from '@/components/providers/trpc';
import { formErrors } from '@/components/registry/form-errors';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Field, FormError } from '@/components/ui/field';
import { deploymentHref } from './types';

const fields = ['model', 'version', 'environment', 'replicas', 'resources.gpu', 'resources.cpu', 'resources.memory', 'reason'] as const;

/**
 * Deploy a version to staging, or to production: admins deploy at once, others ask for an admin's
 * approval (the request waits on /approvals). The server validates everything.
 */
export function DeployForm({ onCancel, model: fixedModel }: { onCancel: () => void; model?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const canProduction = useCan('deployments:production');
  const models = useQuery(trpc.registry.listModels.queryOptions({ limit: 200, offset: 0 }, { enabled: !fixedModel }));
  const [model, setModel] = useState(fixedModel ?? '');
  const [environment, setEnvironment] = useState<'staging' | 'production'>('staging');
  const needsApproval = environment === 'production' && !canProduction;
  const request = useMutation(trpc.deployments.requestProduction.mutationOptions());
  const deploy = useMutation(
    trpc.deployments.deploy.mutationOptions({
      onSuccess: (d) => {
        void queryClient.invalidateQueries(trpc.deployments.list.pathFilter());
        router.push(deploymentHref(d.id));
      },
    }),
  );
  const errors = formErrors(needsApproval ? request.error : deploy.error, fields, { prefix: 'body.' });
  const pending = deploy.isPending || request.isPending;

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const text = (k: string) => String(form.get(k) ?? '').trim();
    const body = {
      environment,
      version: text('version') || undefined,
      replicas: Number(text('replicas')),
      resources: { gpu: Number(text('gpu')), cpu: text('cpu'), memory: text('memory') },
    };
    if (needsApproval) request.mutate({ model, body: { ...body, reason: text('reason') } });
    else deploy.mutate({ model, body });
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
            <select className="select" name="environment" value={environment} onChange={(e) => setEnvironment(e.target.value as 'staging' | 'production')}>
              <option value="staging">staging</option>
              <option value="production">{canProduction ? 'production' : 'production (needs an admin’s approval)'}</option>
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
          {needsApproval && (
            <Field label="Why production?" error={errors.reason} hint="An admin other than you approves the request; approving deploys it.">
              <input className="input" name="reason" autoComplete="off" maxLength={1000} placeholder="e.g. A/B test shipped this version" />
            </Field>
          )}
        </div>
        {request.data && (
          <div className="notice notice-success" role="status">
            Production deploy of {request.data.model} {request.data.version} requested; it waits for an admin on <Link href="/approvals">Approvals</Link>.
          </div>
        )}
        <div className="row gap-sm">
          <Button type="submit" variant="primary" pending={pending}>
            {needsApproval ? 'Request approval' : 'Deploy'}
          </Button>
          <Button variant="ghost" onClick={onCancel} disabled={pending}>
            Cancel
          </Button>
        </div>
      </form>
    </Card>
  );
}
