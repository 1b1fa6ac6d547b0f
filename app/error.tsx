'use client';

import Link from 'next/link';
import { useEffect } from 'react';

/** Unexpected render errors. Server errors arrive without details (only a digest to find them in the logs). */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  const message = error instanceof Error && !digest ? error.message : 'An unexpected error occurred while showing this page.';
  return (
    <div className="center-page">
      <div className="center-card" role="alert">
        <h1 className="page-title">Something went wrong</h1>
        <p className="page-description">{message}</p>
        {digest && <p className="muted small">Reference: <code>{digest}</code></p>}
        <div className="row gap-sm">
          <button type="button" className="btn btn-primary" onClick={() => retry()}>
            Try again
          </button>
          <Link href="/models" className="btn btn-secondary">
            Go to models
          </Link>
        </div>
      </div>
    </div>
  );
}
