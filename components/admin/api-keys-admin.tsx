'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { type FormEvent, useState } from 'react';
import { roleLabels, roleOptions } from '@/components/auth/roles';
import { useTRPC } from '@/components/providers/trpc';
import { Badge, RoleBadge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { CopyButton } from '@/components/ui/copy-button';
import { type Column, DataTable } from '@/components/ui/data-table';
import { errorMessage, fieldErrors } from '@/components/ui/errors';
import { Field, FormError } from '@/components/ui/field';
import { RelativeTime } from '@/components/ui/time';
import type { AppRouter } from '@/server/api/root';
import type { Role } from '@/server/auth/access';

type ApiKey = inferRouterOutputs<AppRouter>['auth']['listApiKeys'][number];

export function ApiKeysAdmin() {
  const trpc = useTRPC();
  const keys = useQuery(trpc.auth.listApiKeys.queryOptions());
  const [showRevoked, setShowRevoked] = useState(true);
  const rows = showRevoked ? keys.data : keys.data?.filter((k) => !k.revokedAt);
  const revokedCount = keys.data?.filter((k) => k.revokedAt).length ?? 0;

  const columns: Column<ApiKey>[] = [
    { key: 'name', header: 'Name', cell: (k) => <span className="strong">{k.name}</span> },
    { key: 'prefix', header: 'Prefix', mono: true, nowrap: true, cell: (k) => k.prefix },
    { key: 'role', header: 'Role', nowrap: true, cell: (k) => <RoleBadge role={k.role} /> },
    { key: 'created', header: 'Created', nowrap: true, cell: (k) => <RelativeTime value={k.createdAt} /> },
    { key: 'lastUsed', header: 'Last used', nowrap: true, cell: (k) => <RelativeTime value={k.lastUsedAt} fallback="never" /> },
    {
      key: 'status',
      header: 'Status',
      nowrap: true,
      cell: (k) =>
        k.revokedAt ? (
          <Badge tone="danger" title={`Revoked ${new Date(k.revokedAt).toISOString()}`}>
            Revoked <RelativeTime value={k.revokedAt} />
          </Badge>
        ) : (
          <Badge tone="success">Active</Badge>
        ),
    },
    { key: 'actions', header: <span className="sr-only">Actions</span>, align: 'right', nowrap: true, cell: (k) => (k.revokedAt ? null : <RevokeCell apiKey={k} />) },
  ];

  return (
    <div className="stack">
      <CreateKeyCard />
      <Card
        title={`Keys${keys.data ? ` (${keys.data.length - revokedCount} active)` : ''}`}
        flush
        actions={
          revokedCount > 0 && (
            <label className="checkbox">
              <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} /> Show revoked ({revokedCount})
            </label>
          )
        }
      >
        <DataTable
          caption="API keys"
          columns={columns}
          rows={rows}
          rowKey={(k) => k.id}
          isLoading={keys.isPending}
          error={keys.error}
          onRetry={() => void keys.refetch()}
          empty="No API keys yet. Create one for each machine client."
          rowClassName={(k) => (k.revokedAt ? 'row-muted' : undefined)}
        />
      </Card>
    </div>
  );
}

function RevokeCell({ apiKey }: { apiKey: ApiKey }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revoke = useMutation(
    trpc.auth.revokeApiKey.mutationOptions({
      onSuccess: (row) => {
        queryClient.setQueryData(trpc.auth.listApiKeys.queryKey(), (old) => old?.map((k) => (k.id === row.id ? row : k)));
        void queryClient.invalidateQueries(trpc.auth.listApiKeys.queryFilter());
      },
    }),
  );
  return (
    <div className="cell-stack align-right">
      <ConfirmButton
        message={`Revoke ${apiKey.prefix} (${apiKey.name})? Clients using it are refused at once.`}
        confirmLabel="Revoke"
        pending={revoke.isPending}
        onConfirm={() => revoke.mutate({ id: apiKey.id })}
      >
        Revoke
      </ConfirmButton>
      {revoke.error && <span className="field-error">{errorMessage(revoke.error)}</span>}
    </div>
  );
}

const createFields = ['name', 'role'] as const;

function CreateKeyCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [role, setRole] = useState<Role>('viewer');
  const create = useMutation(
    trpc.auth.createApiKey.mutationOptions({
      onSuccess: ({ apiKey }) => {
        queryClient.setQueryData(trpc.auth.listApiKeys.queryKey(), (old) => (old ? [apiKey, ...old] : old));
        void queryClient.invalidateQueries(trpc.auth.listApiKeys.queryFilter());
      },
    }),
  );
  const errors = fieldErrors(create.error, createFields);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const name = String(new FormData(formEl).get('name') ?? '').trim();
    create.mutate(
      { name, role },
      {
        onSuccess: () => {
          formEl.reset();
          setRole('viewer');
        },
      },
    );
  }

  // The full key exists only in this mutation's result; "Done" (reset) drops it from memory.
  if (create.data) {
    const { key, apiKey } = create.data;
    return (
      <Card title="Key created" tone="warning">
        <div className="stack">
          <p>
            <strong>Copy this key now. It will not be shown again.</strong> Only its prefix <code>{apiKey.prefix}</code> is kept; a lost key must be revoked and replaced.
          </p>
          <div className="secret-box" aria-label="New API key">
            <code className="secret-value" data-testid="new-api-key">
              {key}
            </code>
            <CopyButton text={key} />
          </div>
          <p className="muted small">
            &ldquo;{apiKey.name}&rdquo; acts as <strong>{roleLabels[apiKey.role]}</strong>. Use it as <code>Authorization: Bearer {apiKey.prefix}_…</code>.
          </p>
          <div>
            <Button variant="primary" onClick={() => create.reset()}>
              Done, I have copied it
            </Button>
          </div>
        </div>
      </Card>
    );
  }

  return (
    <Card title="Create key">
      <FormError>{errors.form}</FormError>
      <form className="form-grid" onSubmit={onSubmit} noValidate>
        <Field label="Name" error={errors.name} hint="What uses it, e.g. “ci-pipeline” or “inference-gateway”.">
          <input className="input" name="name" autoComplete="off" required maxLength={80} />
        </Field>
        <Field label="Role" error={errors.role} hint="Give the least the client needs.">
          <select className="select" name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roleOptions.map((r) => (
              <option key={r} value={r}>
                {roleLabels[r]}
              </option>
            ))}
          </select>
        </Field>
        <div className="form-grid-submit">
          <Button type="submit" variant="primary" pending={create.isPending}>
            Create key
          </Button>
        </div>
      </form>
    </Card>
  );
}
