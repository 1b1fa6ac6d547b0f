import { describe, expect, it } from 'vitest';
import { getResults } from '@/server/ab/get-results';
import { listLiftHistory } from '@/server/ab/lift-history';
import { listTests } from '@/server/ab/list-tests';
import { seedDemo } from './seed';
import { demoAbTests } from './seed-data';

describe('demo seed', () => {
  it('seeds A/B tests whose pages tell their stories: a ship with a lift history, an SRM, a draft; a second run adds nothing', async () => {
    const created = await seedDemo();
    expect(created).toEqual(expect.arrayContaining(demoAbTests.map((t) => t.name)));
    const { items } = await listTests({ limit: 200, offset: 0 });
    const byName = (prefix: string) => items.find((t) => t.name.startsWith(prefix))!;

    const sales = byName('Sales assistant: 2k context');
    expect(sales.status).toBe('running');
    const salesResults = await getResults(sales.id);
    expect(salesResults.recommendation, salesResults.recommendation.reason).toMatchObject({ action: 'ship', variant: 'B' });
    expect(salesResults.srm.ok).toBe(true);
    const history = await listLiftHistory(sales.id, 1000);
    expect(new Set(history.map((p) => p.at.getTime())).size).toBeGreaterThanOrEqual(20);
    // Backdated: the series spans the test's three days, oldest first.
    expect(history.at(-1)!.at.getTime() - history[0].at.getTime()).toBeGreaterThan(2 * 24 * 3_600_000);

    const financing = byName('Financing advisor');
    const financingResults = await getResults(financing.id);
    expect(financingResults.srm.ok, JSON.stringify(financingResults.srm)).toBe(false);
    expect(financingResults.recommendation.action).toBe('investigate');

    expect(byName('EV charging helper').status).toBe('draft');
    expect(await seedDemo()).toEqual([]);
  });
});
