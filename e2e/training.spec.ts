import { expect, test } from '@playwright/test';
import { login } from './support/login';
import { mlEngineer, viewer } from './support/users';

// The e2e servers run on their own simulated cluster with 3-second training Jobs (NEUROWEAVER_SIM_TRAINER_SECONDS),
// and with the training pages' fallback poll off (NEUROWEAVER_TRAINING_FALLBACK_POLL_MS=0): every change these
// tests see on an open page was pushed to it (tRPC subscription over server-sent events).

const dataset = Array.from({ length: 40 }, (_, i) => JSON.stringify({ prompt: `How often should I rotate the tyres of car ${i}?`, response: `Every 8,000 to 10,000 km for car ${i}; check the pressure at the same time.` })).join('\n');

test('an ML engineer starts a pipeline with RLAIF in the browser and follows it to a registered version', async ({ page }) => {
  test.setTimeout(210_000);
  const slug = `e2e-train-${Date.now().toString(36)}`;
  await login(page, mlEngineer);
  await page.getByRole('navigation').getByRole('link', { name: 'Training', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Training', level: 1 })).toBeVisible();
  await page.getByRole('link', { name: 'New pipeline' }).click();

  // A second tab keeps the pipelines list open: the new run must appear there, and finish, without a reload.
  const listTab = await page.context().newPage();
  await listTab.goto('/training');
  await expect(listTab.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');

  const form = page.getByRole('form', { name: 'New training pipeline' });
  await form.getByLabel('Pipeline name').fill(`E2E ${slug}`);
  await form.getByLabel('Base model').selectOption('llama-3.2-3b');
  await form.getByLabel('Family slug').fill(slug);
  await form.getByLabel('Family display name').fill('E2E service assistant');
  await form.locator('input[type=file][name="dataset-file"]').setInputFiles({ name: 'tyres.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(dataset) });
  await expect(page.getByTestId('dataset-uploaded')).toContainText('tyres.jsonl');
  await expect(page.getByTestId('memory-peak')).toContainText('GiB');

  const started = Date.now();
  await form.getByRole('button', { name: 'Start pipeline' }).click();
  await page.waitForURL(/\/training\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: `E2E ${slug}`, level: 1 })).toBeVisible();
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
  await expect(listTab.getByRole('link', { name: `E2E ${slug}` })).toBeVisible();

  // Live: a GPU stage shows up running, then every stage succeeds, without reloading the page.
  await expect(page.locator('[data-testid^="stage-"][data-status="running"]').first()).toBeVisible({ timeout: 30_000 });
  for (const stage of ['prepare', 'sft', 'generate', 'feedback', 'reward_model', 'ppo', 'evaluate', 'register']) {
    await expect(page.getByTestId(`stage-${stage}`)).toHaveAttribute('data-status', 'succeeded', { timeout: 110_000 });
  }
  expect(Date.now() - started).toBeLessThan(120_000);
  await expect(listTab.getByRole('row').filter({ hasText: `E2E ${slug}` })).toContainText('succeeded');
  await listTab.close();

  const result = page.getByTestId('result-version');
  await expect(result).toContainText(slug);
  await expect(result).toContainText('0.1.0');
  await expect(page.getByTestId('chart-loss')).not.toHaveAttribute('data-points', '0');
  await expect(page.getByTestId('chart-kl-divergence')).not.toHaveAttribute('data-points', '0');
  await expect(page.getByTestId('logs-tail')).toContainText('registered');
  // How much of the log is shown (and, past the retention limit, how much was pruned).
  await expect(page.getByTestId('logs-summary')).toHaveText(/^showing (all|last \d+ of) [\d,]+ lines$/);
  // The first version of a new family has no parent to be judged against, and says so.
  await expect(page.getByTestId('win-rate')).toHaveAttribute('data-status', 'no_parent');
  await expect(page.getByTestId('win-rate')).toContainText('No parent version');
  const firstId = new URL(page.url()).pathname.split('/').pop()!;

  await result.getByRole('link', { name: slug }).click();
  await expect(page).toHaveURL(new RegExp(`/models/${slug}/versions/0\\.1\\.0$`));

  // The list shows it as succeeded.
  await page.goto('/training');
  await page.getByRole('button', { name: 'Succeeded', exact: true }).click();
  await expect(page.getByRole('link', { name: `E2E ${slug}` })).toBeVisible();

  // A second run into the same family (same config, no RLAIF) is judged against 0.1.0: the rate, W/T/L and the parent show.
  const first = await (await page.request.get(`/api/v1/training/${firstId}/status`)).json();
  const second = await page.request.post('/api/v1/training/start', { data: { ...first.config, name: `E2E ${slug} v2`, family: { mode: 'existing', ref: slug }, rlaif: { ...first.config.rlaif, enabled: false } } });
  expect(second.status(), await second.text()).toBe(202);
  await page.goto(`/training/${(await second.json()).jobId}`);
  const winRate = page.getByTestId('win-rate');
  await expect(winRate).toHaveAttribute('data-status', 'judged', { timeout: 60_000 });
  await expect(page.getByTestId('win-rate-value')).toHaveText(/^\d+\.\d %$/);
  await expect(page.getByTestId('win-rate-wtl')).toHaveText(/^\d+ \/ \d+ \/ \d+$/);
  await expect(page.getByTestId('win-rate-parent')).toContainText('0.1.0');
  await expect(winRate.getByRole('img', { name: /Win rate against 0\.1\.0 per category/ })).toBeVisible();
});

test('a viewer sees pipelines but cannot start one', async ({ page }) => {
  await login(page, viewer);
  await page.goto('/training');
  await expect(page.getByRole('heading', { name: 'Training', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'New pipeline' })).toHaveCount(0);
  const res = await page.request.post('/api/v1/training/start', { data: {} });
  expect(res.status()).toBe(403);
});
