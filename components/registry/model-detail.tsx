'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { type ReactNode, useState } from 'react';
import { useCan } from '@/components/auth/use-can';
import { useTRPC } from '@/components/providers/trpc';
import { Badge, SemverBadge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { LoadingState } from '@/components/ui/skeleton';
import { RelativeTime } from '@/components/ui/time';
import { BumpVersionForm } from './bump-version-form';
import { RegisterVersionForm } from './register-version-form';
import styles from './registry.module.css';
import { RollbackForm } from './rollback-form';
import { compareHref, type ModelDetail as Model, type Version, versionHref } from './types';
import { VersionRowActions } from './version-row-actions';
import { VersionTimeline } from './version-timeline';

const VERSION_LIMIT = 200;
const HISTORY_LIMIT = 500;

type Panel = 'register' | 'bump' | 'rollback' | null;

/** `/models/[slug]`: the model's header, its version timeline and the actions the role may take. */
export function ModelDetail({ slug }: { slug: string }) {
  const trpc = useTRPC();
  const model = useQuery(trpc.registry.getModel.queryOptions({ model: slug }));

  if (model.isPending) {
    return (
      <>
        <PageHeader eyebrow={<Link href="/models">Models</Link>} title={slug} />
        <Card>
          <LoadingState rows={6} label="Loading model…" />
        </Card>
      </>
    );
  }
  if (model.isError) {
    return (
      <>
        <PageHeader eyebrow={<Link href="/models">Models</Link>} title={slug} />
        <ErrorState error={model.error} onRetry={() => void model.refetch()} />
      </>
    );
  }
  return <ModelPage model={model.data} />;
}

function ModelPage({ model }: { model: Model }) {
  const trpc = useTRPC();
  const versions = useQuery(trpc.registry.listVersions.queryOptions({ model: model.slug, limit: VERSION_LIMIT }));
  const history = useQuery(trpc.registry.history.queryOptions({ model: model.slug, limit: HISTORY_LIMIT }));
  const canWrite = useCan('registry:write');
  const canPromoteProduction = useCan('registry:promote-production');
  const canRequestRollback = useCan('registry:rollback-request');
  const canReadApprovals = useCan('approvals:read');
  const pending = useQuery(trpc.registry.listApprovals.queryOptions({ status: 'pending', limit: 200 }, { enabled: canReadApprovals }));
  const pendingHere = pending.data?.filter((a) => a.familyId === model.id) ?? [];

  const [panel, setPanel] = useState<Panel>(null);
  const [notice, setNotice] = useState<ReactNode>(null);
  const items = versions.data?.items ?? [];
  const production = model.aliases.production?.version ?? model.production;
  const staging = model.aliases.staging?.version ?? model.staging;

  const open = (p: Panel) => {
    setNotice(null);
    setPanel(p);
  };
  const created = (v: Version, how: string) => {
    setPanel(null);
    setNotice(
      <>
        {how}{' '}
        <Link href={versionHref(model.slug, v.version)} className={styles.plainLink}>
          <SemverBadge version={v.version} />
        </Link>
        .
      </>,
    );
  };

  // Compare: production (or the second newest) against the newest version.
  const compareB = items[0]?.version ?? model.latestVersion;
  const compareA = production && production !== compareB ? production : items.find((v) => v.version !== compareB)?.version;

  return (
    <>
      <PageHeader
        eyebrow={<Link href="/models">Models</Link>}
        title={model.displayName}
        description={model.description || undefined}
        actions={
          model.versionCount >= 2 ? (
            <Link className="btn btn-secondary" href={compareHref({ model: model.slug, a: compareA, b: compareB })}>
              Compare
            </Link>
          ) : undefined
        }
      />

      <div className="stack">
        <section className={styles.summary} aria-label="Model summary">
          <SummaryItem label="Slug">
            <span className="mono">{model.slug}</span>
          </SummaryItem>
          <SummaryItem label="Base model">
            <span className="mono">{model.baseModel}</span>
          </SummaryItem>
          <SummaryItem label="Specialization">
            <Badge>{model.specialization}</Badge>
          </SummaryItem>
          <SummaryItem label="Owner">{model.owner}</SummaryItem>
          <SummaryItem label="Production">
            {production ? (
              <Link href={versionHref(model.slug, production)} className={styles.plainLink}>
                <Badge tone="success" mono dot>
                  {production}
                </Badge>
              </Link>
            ) : (
              <span className="muted">none</span>
            )}
          </SummaryItem>
          <SummaryItem label="Staging">
            {staging ? (
              <Link href={versionHref(model.slug, staging)} className={styles.plainLink}>
                <Badge tone="warning" mono>
                  {staging}
                </Badge>
              </Link>
            ) : (
              <span className="muted">none</span>
            )}
          </SummaryItem>
          <SummaryItem label="Versions">
            {model.versionCount}
            {model.latestVersion && <span className="muted small"> · latest {model.latestVersion}</span>}
          </SummaryItem>
          <SummaryItem label="Updated">
            <RelativeTime value={model.updatedAt} />
          </SummaryItem>
        </section>

        {pendingHere.map((a) => (
          <div key={a.id} className="notice notice-warning" role="status">
            Rollback of production {a.fromVersion ?? '—'} → {a.toVersion} requested by {a.requestedBy} is waiting for approval.{' '}
            <Link href="/approvals">Open approvals</Link>
          </div>
        ))}

        {(canWrite || (canRequestRollback && production)) && (
          <Card
            title={panel === 'register' ? 'Register version' : panel === 'bump' ? 'Bump version' : panel === 'rollback' ? 'Request rollback' : 'Actions'}
            className={styles.actionsCard}
          >
            {panel === null && (
              <div className="stack">
                {notice && (
                  <div className="notice notice-success" role="status">
                    {notice}
                  </div>
                )}
                <div className="row gap-sm">
                  {canWrite && (
                    <>
                      <Button variant="primary" onClick={() => open('register')}>
                        Register version
                      </Button>
                      <Button onClick={() => open('bump')} disabled={versions.isPending}>
                        Bump version
                      </Button>
                    </>
                  )}
                  {canRequestRollback && production && (
                    <Button className="btn-danger-outline" onClick={() => open('rollback')} disabled={versions.isPending}>
                      Request rollback
                    </Button>
                  )}
                </div>
              </div>
            )}
            {panel === 'register' && (
              <RegisterVersionForm slug={model.slug} versions={items} onCancel={() => setPanel(null)} onDone={(v) => created(v, 'Registered')} />
            )}
            {panel === 'bump' && <BumpVersionForm slug={model.slug} versions={items} onCancel={() => setPanel(null)} onDone={(v) => created(v, 'Bumped to')} />}
            {panel === 'rollback' && production && (
              <RollbackForm
                slug={model.slug}
                production={production}
                versions={items}
                onCancel={() => setPanel(null)}
                onDone={(a) => {
                  setPanel(null);
                  setNotice(
                    <>
                      Rollback to <span className="mono">{a.toVersion}</span> requested; it waits for an admin&apos;s approval.{' '}
                      {canReadApprovals && <Link href="/approvals">Open approvals</Link>}
                    </>,
                  );
                }}
              />
            )}
          </Card>
        )}

        <Card title={`Version timeline${versions.data ? ` (${items.length}${versions.data.nextCursor ? '+' : ''})` : ''}`}>
          {versions.isPending ? (
            <LoadingState rows={6} label="Loading versions…" />
          ) : versions.isError ? (
            <ErrorState error={versions.error} onRetry={() => void versions.refetch()} compact />
          ) : items.length === 0 ? (
            <EmptyState
              title="No versions yet"
              description={canWrite ? 'Register the first version (e.g. 1.0.0) to start the timeline.' : 'Nobody has registered a version of this model yet.'}
              action={
                canWrite && panel !== 'register' ? (
                  <Button size="sm" variant="primary" onClick={() => open('register')}>
                    Register the first version
                  </Button>
                ) : undefined
              }
            />
          ) : (
            <>
              {history.isError && <ErrorState error={history.error} title="History could not be loaded" onRetry={() => void history.refetch()} compact />}
              {versions.data.nextCursor && <p className="small muted">Showing the newest {VERSION_LIMIT} versions.</p>}
              <VersionTimeline
                slug={model.slug}
                versions={items}
                history={history.data ?? []}
                actions={(v) => <VersionRowActions slug={model.slug} version={v} canWrite={canWrite} canPromoteProduction={canPromoteProduction} />}
              />
            </>
          )}
        </Card>
      </div>
    </>
  );
}

function SummaryItem({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className={styles.summaryItem}>
      <div className="metric-label">{label}</div>
      <div className={styles.summaryValue}>{children}</div>
    </div>
  );
}
