'use client';

import { useMutation } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { errorMessage } from '@/components/ui/errors';
import styles from './registry.module.css';
import type { Version } from './types';
import { useRegistryRefresh } from './use-registry-refresh';

/**
 * Per-version buttons in the timeline. Only what the role may do and what the version's status
 * allows is shown: staging for registered versions, production (admins) for registered or staging
 * ones, archive for versions that hold no alias.
 */
export function VersionRowActions({ slug, version, canWrite, canPromoteProduction }: { slug: string; version: Version; canWrite: boolean; canPromoteProduction: boolean }) {
  const trpc = useTRPC();
  const refresh = useRegistryRefresh();
  const promote = useMutation(trpc.registry.promote.mutationOptions({ onSuccess: () => void refresh() }));
  const archive = useMutation(trpc.registry.archive.mutationOptions({ onSuccess: () => void refresh() }));
  const error = promote.error ?? archive.error;
  const busy = promote.isPending || archive.isPending;

  const status = version.status;
  const showStaging = canWrite && status === 'registered';
  const showProduction = canWrite && canPromoteProduction && (status === 'registered' || status === 'staging');
  const showArchive = canWrite && status === 'registered';
  if (!showStaging && !showProduction && !showArchive) return null;

  return (
    <>
      <div className={styles.actionRow}>
        {showStaging && (
          <Button
            size="sm"
            pending={promote.isPending && promote.variables?.stage === 'staging'}
            disabled={busy}
            onClick={() => {
              archive.reset();
              promote.mutate({ model: slug, version: version.version, stage: 'staging' });
            }}
          >
            Promote to staging
          </Button>
        )}
        {showProduction && (
          <ConfirmButton
            variant="primary"
            message={`Serve ${version.version} in production? The current production version steps back to registered.`}
            confirmLabel="Promote to production"
            pending={promote.isPending && promote.variables?.stage === 'production'}
            disabled={busy}
            onConfirm={() => {
              archive.reset();
              promote.mutate({ model: slug, version: version.version, stage: 'production' });
            }}
          >
            Promote to production
          </ConfirmButton>
        )}
        {showArchive && (
          <ConfirmButton
            message={`Archive ${version.version}? It can no longer be promoted or rolled back to.`}
            confirmLabel="Archive"
            pending={archive.isPending}
            disabled={busy}
            onConfirm={() => {
              promote.reset();
              archive.mutate({ model: slug, version: version.version });
            }}
          >
            Archive
          </ConfirmButton>
        )}
      </div>
      {error && (
        <div className="field-error" role="alert">
          {errorMessage(error)}
        </div>
      )}
    </>
  );
}
