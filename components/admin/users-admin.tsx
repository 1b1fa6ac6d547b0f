'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { type FormEvent, useState } from 'react';
import { roleLabels, roleOptions } from '@/components/auth/roles';
import { useMe } from '@/components/auth/use-can';
import { useTRPC } from '@/components/providers/trpc';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { type Column, DataTable } from '@/components/ui/data-table';
import { errorMessage, fieldErrors } from '@/components/ui/errors';
import { Field, FormError } from '@/components/ui/field';
import { RelativeTime } from '@/components/ui/time';
import type { AppRouter } from '@/server/api/root';
import type { Role } from '@/server/auth/access';

type User = inferRouterOutputs<AppRouter>['auth']['listUsers'][number];

/** Keeps the cached list in step with a changed row at once, then refetches to be sure. */
function useUserUpdate() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.auth.updateUser.mutationOptions({
      onSuccess: (row) => {
        queryClient.setQueryData(trpc.auth.listUsers.queryKey(), (old) => old?.map((u) => (u.id === row.id ? row : u)));
        void queryClient.invalidateQueries(trpc.auth.listUsers.queryFilter());
      },
    }),
  );
}

export function UsersAdmin() {
  const trpc = useTRPC();
  const users = useQuery(trpc.auth.listUsers.queryOptions());
  const me = useMe().data;

  const columns: Column<User>[] = [
    {
      key: 'email',
      header: 'User',
      cell: (u) => (
        <div className="cell-stack">
          <span className="strong">{u.email}</span>
          <span className="muted small">
            {u.name}
            {u.oidcSubject ? ' · SSO' : ''}
          </span>
        </div>
      ),
    },
    { key: 'role', header: 'Role', cell: (u) => <RoleCell key={`${u.id}:${u.role}`} user={u} isSelf={u.id === me?.id} /> },
    { key: 'lastLogin', header: 'Last login', nowrap: true, cell: (u) => <RelativeTime value={u.lastLoginAt} fallback="never" /> },
    { key: 'created', header: 'Created', nowrap: true, cell: (u) => <RelativeTime value={u.createdAt} /> },
    {
      key: 'status',
      header: 'Status',
      nowrap: true,
      cell: (u) =>
        u.disabledAt ? (
          <Badge tone="danger" title={`Disabled ${new Date(u.disabledAt).toISOString()}`}>
            Disabled
          </Badge>
        ) : (
          <Badge tone="success">Active</Badge>
        ),
    },
    { key: 'actions', header: <span className="sr-only">Actions</span>, align: 'right', nowrap: true, cell: (u) => <DisableCell user={u} isSelf={u.id === me?.id} /> },
  ];

  return (
    <div className="stack">
      <CreateUserCard />
      <Card title={`Users${users.data ? ` (${users.data.length})` : ''}`} flush>
        <DataTable
          caption="Users"
          columns={columns}
          rows={users.data}
          rowKey={(u) => u.id}
          isLoading={users.isPending}
          error={users.error}
          onRetry={() => void users.refetch()}
          empty="No users yet"
          rowClassName={(u) => (u.disabledAt ? 'row-muted' : undefined)}
        />
      </Card>
    </div>
  );
}

function RoleCell({ user, isSelf }: { user: User; isSelf: boolean }) {
  const update = useUserUpdate();
  const [draft, setDraft] = useState<Role>(user.role);
  const dirty = draft !== user.role;
  return (
    <div className="cell-stack">
      <div className="row gap-xs">
        <select
          className="select select-sm"
          aria-label={`Role of ${user.email}`}
          value={draft}
          disabled={isSelf || update.isPending}
          title={isSelf ? 'You cannot change your own role' : undefined}
          onChange={(e) => {
            setDraft(e.target.value as Role);
            update.reset();
          }}
        >
          {roleOptions.map((r) => (
            <option key={r} value={r}>
              {roleLabels[r]}
            </option>
          ))}
        </select>
        {dirty && (
          <>
            <Button size="sm" variant="primary" pending={update.isPending} onClick={() => update.mutate({ id: user.id, role: draft })}>
              Save
            </Button>
            <Button size="sm" variant="ghost" disabled={update.isPending} onClick={() => setDraft(user.role)}>
              Cancel
            </Button>
          </>
        )}
      </div>
      {update.error && <span className="field-error">{errorMessage(update.error)}</span>}
    </div>
  );
}

function DisableCell({ user, isSelf }: { user: User; isSelf: boolean }) {
  const update = useUserUpdate();
  return (
    <div className="cell-stack align-right">
      {user.disabledAt ? (
        <Button size="sm" pending={update.isPending} onClick={() => update.mutate({ id: user.id, disabled: false })}>
          Enable
        </Button>
      ) : (
        <ConfirmButton
          message={`Disable ${user.email}? They are signed out at once.`}
          confirmLabel="Disable"
          pending={update.isPending}
          disabled={isSelf}
          title={isSelf ? 'You cannot disable yourself' : undefined}
          onConfirm={() => update.mutate({ id: user.id, disabled: true })}
        >
          Disable
        </ConfirmButton>
      )}
      {update.error && <span className="field-error">{errorMessage(update.error)}</span>}
    </div>
  );
}

const createFields = ['email', 'name', 'role', 'password'] as const;

function CreateUserCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [role, setRole] = useState<Role>('viewer');
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation(
    trpc.auth.createUser.mutationOptions({
      onSuccess: (row) => {
        queryClient.setQueryData(trpc.auth.listUsers.queryKey(), (old) => (old ? [...old, row].sort((a, b) => a.email.localeCompare(b.email)) : old));
        void queryClient.invalidateQueries(trpc.auth.listUsers.queryFilter());
      },
    }),
  );
  const errors = fieldErrors(create.error, createFields);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const name = String(form.get('name') ?? '').trim();
    setCreated(null);
    create.mutate(
      { email: String(form.get('email') ?? '').trim(), name: name || undefined, role, password: String(form.get('password') ?? '') },
      {
        onSuccess: (row) => {
          setCreated(row.email);
          formEl.reset();
          setRole('viewer');
        },
      },
    );
  }

  return (
    <Card title="Create user">
      {created && (
        <div className="notice notice-success form-notice" role="status">
          Created {created}.
        </div>
      )}
      <FormError>{errors.form}</FormError>
      <form className="form-grid" onSubmit={onSubmit} noValidate>
        <Field label="Email" error={errors.email}>
          <input className="input" type="email" name="email" autoComplete="off" required />
        </Field>
        <Field label="Name" error={errors.name} hint="Optional; defaults to the email's user part.">
          <input className="input" name="name" autoComplete="off" />
        </Field>
        <Field label="Role" error={errors.role}>
          <select className="select" name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roleOptions.map((r) => (
              <option key={r} value={r}>
                {roleLabels[r]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Password" error={errors.password} hint="At least 10 characters; share it safely.">
          <input className="input" type="password" name="password" autoComplete="new-password" required minLength={10} />
        </Field>
        <div className="form-grid-submit">
          <Button type="submit" variant="primary" pending={create.isPending}>
            Create user
          </Button>
        </div>
      </form>
    </Card>
  );
}
