import { type APIRequestContext, expect, type Page, test } from '@playwright/test';
import { e2eBaseURL } from './support/env';
import { login } from './support/login';
import { admin, productManager, viewer } from './support/users';

/**
 * The A/B walk-through from the issue: a product manager creates a test (the form checks it as they
 * type), starts it; a client with an API key assigns 1,000 units and posts their events over REST; the
 * test page then recommends shipping B with the forest plot, the SRM badge and the sample-size bars; the
 * manager stops it and ships B (an approval request, since only admins promote to production). A viewer
 * sees the same read-out with no controls; the seeded SRM test explains its mismatch.
 */
test.describe.configure({ mode: 'serial' });

const name = `E2E tone test ${Date.now().toString(36)}`;
let testUrl = '';

async function signOut(page: Page) {
  await page.goto('about:blank');
  await page.context().clearCookies();
}

/** An ML-engineer API key made by the admin through tRPC (the same call the API keys page makes). */
async function apiKey(page: Page): Promise<string> {
  await login(page, admin);
  const res = await page.request.post('/api/trpc/auth.createApiKey', { data: { json: { name: `e2e-ab-${Date.now()}`, role: 'ml_engineer' } } });
  expect(res.status(), await res.text()).toBe(200);
  const key = ((await res.json()) as { result: { data: { json: { key: string } } } }).result.data.json.key;
  await signOut(page);
  return key;
}

/** Assigns `units` units over REST, then posts their events: B converts at 25 %, A at 10 %. */
async function sendTraffic(request: APIRequestContext, key: string, testId: string, units: number) {
  const headers = { authorization: `Bearer ${key}` };
  const variants: string[] = [];
  for (let i = 0; i < units; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, units - i) }, async (_, j) => {
        const res = await request.get(`${e2eBaseURL}/api/v1/ab-tests/${testId}/assign?unit=e2e-user-${i + j}`, { headers });
        expect(res.status()).toBe(200);
        return ((await res.json()) as { variant: string }).variant;
      }),
    );
    variants.push(...batch);
  }
  let state = 7;
  const rand = () => (state = (state * 48271) % 2147483647) / 2147483647;
  const events = variants.flatMap((variant, i) => [
    { unit: `e2e-user-${i}`, variant, metric: 'converted', value: rand() < (variant === 'B' ? 0.25 : 0.1) ? 1 : 0 },
    // B is also a little faster: an equal guardrail would flag a harm by chance in about one run in twenty.
    { unit: `e2e-user-${i}`, metric: 'latency_ms', value: (variant === 'B' ? 290 : 300) + Math.floor(rand() * 100) },
  ]);
  const res = await request.post(`${e2eBaseURL}/api/v1/ab-tests/${testId}/events`, { headers, data: { events, idempotencyKey: `e2e-${testId}` } });
  expect(res.status(), await res.text()).toBe(200);
  expect(await res.json()).toMatchObject({ accepted: events.length, duplicate: false });
  return variants;
}

test('a product manager creates, starts, reads, stops and ships an A/B test', async ({ page, request }) => {
  // Assigning 1,000 units one request at a time through `next start` takes a while on a small machine.
  test.setTimeout(180_000);
  const key = await apiKey(page);
  await login(page, productManager);
  await page.goto('/ab-tests');
  await expect(page.getByRole('link', { name: 'A/B tests' })).toBeVisible();
  await page.getByRole('link', { name: 'New A/B test' }).click();
  await expect(page).toHaveURL(/\/ab-tests\/new$/);

  await page.getByLabel('Name', { exact: true }).fill(name);
  const model = page.getByLabel('Model', { exact: true });
  const option = await model.locator('option', { hasText: '(financing-advisor)' }).textContent();
  await model.selectOption({ label: option! });
  await page.getByLabel('Variant 1 version').selectOption('1.0.1');
  await page.getByLabel('Variant 2 version').selectOption('1.1.0');

  // Inline validation from the API's schema: weights must add up to 100 %.
  await page.getByLabel('Variant 2 traffic percent').fill('60');
  await page.getByRole('button', { name: 'Create test' }).click();
  await expect(page.getByText('weights must add up to 100% (they add up to 110%)')).toBeVisible();
  await page.getByLabel('Variant 2 traffic percent').fill('50');
  await expect(page.getByText(/weights must add up to 100%/)).toHaveCount(0);

  await page.getByRole('button', { name: 'Add metric' }).click();
  await page.getByLabel('Metric 2 name').fill('latency_ms');
  await page.getByLabel('Method').selectOption('sequential');
  await page.getByLabel('Minimum detectable effect (%)').fill('30');
  await page.getByLabel('Minimum units per variant').fill('200');
  await page.getByRole('button', { name: 'Create test' }).click();
  await expect(page).toHaveURL(/\/ab-tests\/[0-9a-f-]{36}$/);
  testUrl = new URL(page.url()).pathname;
  const testId = testUrl.split('/').pop()!;
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(page.getByText('This test is a draft')).toBeVisible();

  await page.getByRole('button', { name: 'Start test' }).click();
  await page.getByRole('button', { name: 'Start now' }).click();
  await expect(page.getByRole('button', { name: 'Stop test' })).toBeVisible();

  const variants = await sendTraffic(request, key, testId, 1000);
  expect(new Set(variants)).toEqual(new Set(['A', 'B']));

  // The read-out refreshes by itself; Refresh forces it.
  await page.getByRole('button', { name: 'Refresh' }).click();
  const recommendation = page.getByTestId('recommendation');
  await expect(recommendation.getByRole('heading', { name: 'Ship variant B' })).toBeVisible();
  await expect(recommendation).toContainText('Ship "B"');
  await expect(page.getByText(/We are 95% confident the lift is between \+\d/).first()).toBeVisible();
  await expect(page.getByTestId('forest-plot').locator('.recharts-surface')).toBeVisible();
  await expect(page.getByText('Traffic split OK').first()).toBeVisible();
  const bars = page.getByTestId('sample-size').getByRole('progressbar');
  await expect(bars).toHaveCount(2);
  await expect(bars.first()).toHaveAttribute('aria-label', /^A: \d[\d,]* of [\d,]+ units$/);
  await expect(page.getByTestId('guardrails')).toContainText('latency_ms');

  // Stop: the results freeze; the recommendation still says ship.
  await page.getByRole('button', { name: 'Stop test' }).click();
  await page.getByRole('button', { name: 'Stop test' }).last().click();
  await expect(page.locator('.status-stopped').first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Stop test' })).toHaveCount(0);

  // Ship B: a product manager cannot promote to production, so an admin is asked.
  await page.getByRole('button', { name: 'Ship variant B' }).click();
  await expect(page.getByText(/asks an admin to make version 1\.1\.0 the production version/)).toBeVisible();
  await page.getByRole('button', { name: 'Request approval' }).click();
  await expect(page.getByTestId('ship-decision')).toContainText('goes to production once an admin approves');
  await expect(page.getByRole('button', { name: 'Ship variant B' })).toHaveCount(0);
  await page.goto('/approvals');
  await expect(page.getByText('Promote').filter({ hasText: 'production' }).first()).toBeVisible();
});

test('the seeded test with a sample ratio mismatch says so and what to do', async ({ page }) => {
  await login(page, productManager);
  await page.goto('/ab-tests');
  await page.getByRole('link', { name: /^Financing advisor: 1\.1\.0/ }).click();
  await expect(page.getByTestId('recommendation').getByRole('heading', { name: 'Investigate: the traffic split is off' })).toBeVisible();
  const srm = page.getByTestId('srm');
  await expect(srm.getByText('Sample ratio mismatch')).toBeVisible();
  await expect(srm).toContainText('What to do');
  await expect(srm).toContainText('Do not ship on these numbers');
  await expect(page.getByRole('button', { name: /^Ship variant/ })).toHaveCount(0);
  await expect(page.getByTestId('lift-chart').locator('.recharts-surface')).toBeVisible();
});

test('a viewer reads A/B tests but has no create, start, stop or ship controls', async ({ page }) => {
  await login(page, viewer);
  await page.goto('/ab-tests');
  await expect(page.getByRole('heading', { name: 'A/B tests' })).toBeVisible();
  await expect(page.getByRole('link', { name: /^Sales assistant: 2k context/ })).toBeVisible();
  await expect(page.getByRole('link', { name: 'New A/B test' })).toHaveCount(0);
  // The list carries each test's current recommendation.
  await expect(page.getByRole('row').filter({ hasText: 'Sales assistant: 2k context' })).toContainText('Ship B');
  await expect(page.getByRole('row').filter({ hasText: 'Financing advisor: 1.1.0' })).toContainText('Investigate (SRM)');

  await page.getByRole('link', { name: /^Sales assistant: 2k context/ }).click();
  await expect(page.getByTestId('recommendation').getByRole('heading', { name: 'Ship variant B' })).toBeVisible();
  await expect(page.getByTestId('forest-plot').locator('.recharts-surface')).toBeVisible();
  await expect(page.getByRole('button', { name: /^(Start test|Stop test|Ship variant B)$/ })).toHaveCount(0);

  await page.goto('/ab-tests/new');
  await expect(page.getByText("You don't have access to this page")).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create test' })).toHaveCount(0);

  // The server refuses regardless of what the UI shows.
  const res = await page.request.post('/api/v1/ab-tests/00000000-0000-4000-8000-000000000000/stop', { data: {} });
  expect(res.status()).toBe(403);
  if (testUrl) {
    await page.goto(testUrl);
    await expect(page.getByRole('heading', { name })).toBeVisible();
    await expect(page.getByRole('button', { name: /^(Start test|Stop test|Ship variant B)$/ })).toHaveCount(0);
  }
});
