import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import type { JudgeResultsView } from '@/server/training/judge/results';
import type { WinRateView } from '@/server/training/judge/win-rate-view';

// Server-rendered smoke tests of the training components (no browser): the pages' e2e covers interaction.
vi.mock('next/navigation', () => ({ useRouter: () => ({ push: () => undefined }) }));
vi.mock('@/components/providers/trpc', () => ({
  useTRPC: () => ({
    registry: { listModels: { queryOptions: () => ({ queryKey: ['families'], queryFn: async () => ({ items: [], total: 0 }) }) } },
    training: {
      start: { mutationOptions: (o: object) => ({ ...o, mutationFn: async () => ({ jobId: 'x' }) }) },
      judge: { results: { queryOptions: () => ({ queryKey: ['judge'], queryFn: async () => null }) } },
    },
  }),
}));

describe('NewPipelineForm', () => {
  it('renders every section and the live memory estimate of the defaults', async () => {
    const { NewPipelineForm } = await import('./new-pipeline-form');
    const html = renderToString(createElement(QueryClientProvider, { client: new QueryClient() }, createElement(NewPipelineForm)));
    for (const title of ['Model', 'Dataset', 'QLoRA fine-tuning', 'RLAIF', 'Evaluation prompts', 'Resources and release', 'GPU memory estimate']) expect(html).toContain(title);
    for (const label of ['LoRA rank', 'KL coefficient', 'Samples per prompt', 'GPU count', 'Version bump']) expect(html).toContain(label);
    const peak = Number(/data-testid="memory-peak">([\d.]+)/.exec(html)?.[1]);
    expect(peak).toBeGreaterThan(10);
    expect(peak).toBeLessThan(80);
  });
});

describe('JudgeResultsPanel', () => {
  const data: JudgeResultsView = {
    run: { judgeModel: 'gpt-4o-mini', judgeLabel: 'simulated judge', simulated: true, mode: 'pointwise', samples: 2, judged: 1, failed: 1, cacheHits: 0, requests: 3, retries: 1, promptTokens: 10, completionTokens: 5, estimatedCostUsd: 0, startedAt: '2026-01-01T00:00:00Z', finishedAt: null },
    summary: { judged: 1, failed: 1, meanScore: 7, histogram: [0, 0, 0, 0, 0, 0, 1, 0, 0, 0], categories: [{ category: 'ev_charging', count: 2, meanScore: 7, failed: 1 }] },
    rows: [
      { id: 1, promptId: 'ev-01', category: 'ev_charging', prompt: 'Level 2 at home?', response: 'Yes, 240 V.', otherResponse: null, status: 'judged', score: 7, rationale: 'covers it', error: null, cached: true },
      { id: 2, promptId: 'ev-02', category: 'ev_charging', prompt: 'Cost per month?', response: 'Depends.', otherResponse: null, status: 'failed', score: null, rationale: null, error: 'judge answer was not JSON', cached: false },
    ],
    truncated: false,
  };

  it('labels a simulated judge and shows scores, failures and category names', async () => {
    const { JudgeResultsPanel } = await import('./judge-results');
    const html = renderToString(createElement(JudgeResultsPanel, { data }));
    expect(html).toContain('simulated judge');
    expect(html).toContain('EV charging');
    expect(html).toContain('covers it');
    expect(html).toContain('judge answer was not JSON');
    expect(html).toMatch(/1(<!-- -->)? judgement(<!-- -->)? failed/);
  });

  it('says so when the feedback stage has not run', async () => {
    const { JudgeResultsPanel } = await import('./judge-results');
    const html = renderToString(createElement(JudgeResultsPanel, { data: { ...data, run: null, rows: [] } }));
    expect(html).toContain('No judgements yet');
  });
});

describe('WinRatePanel', () => {
  const judged: WinRateView = {
    status: 'judged', attempt: 1, family: 'svc-bot', parentVersion: '1.2.0', parentVersionId: '00000000-0000-4000-8000-000000000001', reason: null,
    winRate: 0.625, wins: 11, ties: 3, losses: 6, failed: 1,
    byCategory: [{ category: 'ev_charging', winRate: 0.75, n: 4, wins: 3, ties: 0, losses: 1 }, { category: 'sales', winRate: 0.25, n: 4, wins: 1, ties: 0, losses: 3 }],
    judge: { model: 'gpt-4o-mini', label: 'simulated judge', simulated: true }, simulatedResponses: true,
    usage: { requests: 40, retries: 0, cacheHits: 0, promptTokens: 100, completionTokens: 20 }, estimatedCostUsd: 0,
    startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:05Z',
  };
  const render = async (data: WinRateView | null) => {
    const { WinRatePanel } = await import('./win-rate');
    return renderToString(createElement(WinRatePanel, { data }));
  };

  it('shows the rate with W/T/L against the parent version (linked), the judge and the per-category chart', async () => {
    const html = await render(judged);
    expect(html).toContain('62.5 %');
    expect(html).toMatch(/11(<!-- -->)? \/ (<!-- -->)?3(<!-- -->)? \/ (<!-- -->)?6/);
    expect(html).toContain('href="/models/svc-bot/versions/1.2.0"');
    expect(html).toContain('simulated responses');
    expect(html).toContain('EV charging 75.0 % of 4');
    expect(html).toContain('data-status="judged"');
  });

  it('says why there is no number: no parent, failed judge, not judged yet', async () => {
    expect(await render({ ...judged, status: 'no_parent', parentVersion: null, winRate: null, reason: 'no parent version: this is the first version of "svc-bot"' })).toContain('No parent version');
    const failed = await render({ ...judged, status: 'failed', winRate: null, reason: 'judge win rate against 1.2.0 not measured: HTTP 429 after 6 attempts' });
    expect(failed).toContain('HTTP 429 after 6 attempts');
    expect(failed).not.toContain('62.5 %');
    expect(await render(null)).toContain('Not judged yet');
  });
});
