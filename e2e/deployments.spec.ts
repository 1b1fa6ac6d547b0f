import { type APIRequestContext, type Browser, expect, type Page, test } from '@playwright/test';
import { login } from './support/login';
import { type DemoUser, mlEngineer, viewer } from './support/users';

// The seed's versions (db/seed-data.ts): sales-assistant staging 1.3.0-rc.2; financing-advisor staging 1.1.0;
// service-advisor 1.0.0 and 0.2.0 (no staging alias); ev-charging-helper staging 0.9.0 and 1.0.0-rc.1.
// The e2e workers check health every 2 s; a simulated model server is ready ~5 s after it is scheduled.
// Each test deploys what it needs through the REST API (undeploying whatever ran there first), so the
// tests do not depend on one another's order, and undeploys it again at the end.

type Environment = 'staging' | 'production';

interface DeployBody {
  environment: Environment;
  version?: string;
  replicas?: number;
  env?: Record<string, string>;
  recovery?: { restartAfterFailures?: number; rollbackWindowMinutes?: number };
}

const resources = { gpu: 1, cpu: '4', memory: '16Gi' };

async function undeploy(request: APIRequestContext, model: string, environment: Environment) {
  const res = await request.delete(`/api/v1/deploy/${model}?environment=${environment}`);
  expect([200, 404], `undeploy ${model} (${environment}): ${await res.text()}`).toContain(res.status());
}

/** POST /api/v1/deploy/{model} as the request's user; returns the deployment's id. */
async function deploy(request: APIRequestContext, model: string, body: DeployBody): Promise<string> {
  const res = await request.post(`/api/v1/deploy/${model}`, { data: { resources, ...body } });
  expect(res.status(), `deploy ${model}: ${await res.text()}`).toBe(201);
  return (await res.json()).id as string;
}

/** A new deployment of `model`: whatever ran in that environment before is undeployed first. */
async function freshDeploy(request: APIRequestContext, model: string, body: DeployBody) {
  await undeploy(request, model, body.environment);
  return deploy(request, model, body);
}

/** Runs `fn` with the API as another user (its own browser context, signed in through /login). */
async function asUser<T>(browser: Browser, user: DemoUser, fn: (request: APIRequestContext) => Promise<T>): Promise<T> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await login(page, user);
    return await fn(page.request);
  } finally {
    await context.close();
  }
}

/** The row of the deployments table for one model in one environment. */
function deploymentRow(page: Page, model: string, environment: Environment) {
  return page
    .getByRole('table', { name: 'Deployments' })
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: model, exact: true }) })
    .filter({ has: page.getByText(environment, { exact: true }) });
}

/** For an expect that must pass within `ms` of `since` (Date.now() when the change was made). */
const within = (since: number, ms = 2_000) => ({ timeout: Math.max(1, since + ms - Date.now()) });

test('an ML engineer deploys to staging, watches it become healthy, scales it and reads the manifests', async ({ page }) => {
  test.setTimeout(120_000);
  await login(page, mlEngineer);
  await undeploy(page.request, 'sales-assistant', 'staging');
  await page.getByRole('navigation').getByRole('link', { name: 'Deployments', exact: true }).click();
  await expect(page).toHaveURL(/\/deployments$/);
  await page.getByRole('button', { name: 'Deploy a model' }).click();

  const form = page.getByRole('form', { name: 'Deploy a model' });
  await form.getByLabel('Model').selectOption('sales-assistant');
  // Engineers may not deploy to production themselves: that option asks for an admin's approval.
  await expect(form.getByLabel('Environment').locator('option')).toHaveText(['staging', /^production \(needs an admin/]);
  await form.getByLabel('GPUs per replica').fill('1');
  await form.getByRole('button', { name: 'Deploy', exact: true }).click();

  await expect(page).toHaveURL(/\/deployments\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: 'sales-assistant · staging' })).toBeVisible();
  await expect(page.getByText('v1.3.0-rc.2').first()).toBeVisible();
  // Live: the monitor's verdict reaches the open page without a reload.
  await expect(page.getByTestId('deployment-health')).toHaveText('healthy', { timeout: 60_000 });
  await expect(page.getByTestId('ready-replicas')).toHaveText('1/1');
  await expect(page.getByTestId('alert-rules')).toContainText('p95 latency > 2 s · errors > 5%');

  const scale = page.getByRole('form', { name: 'Scale' });
  await scale.getByLabel('Replicas').fill('2');
  await scale.getByRole('button', { name: 'Scale' }).click();
  await expect(page.getByTestId('ready-replicas')).toHaveText('2/2', { timeout: 30_000 });
  const actions = page.getByRole('table', { name: 'Actions' });
  await expect(actions).toContainText('scaled from 1 to 2 replicas');
  // Starting up (0 of 1 ready for a few seconds) is not a failure: no automatic restart happened.
  await expect(actions).not.toContainText('restarted');

  const yaml = page.getByTestId('manifests-yaml');
  for (const kind of ['kind: Deployment', 'kind: Service', 'kind: ServiceMonitor', 'kind: PrometheusRule', 'NeuroWeaverHighErrorRate']) await expect(yaml).toContainText(kind);
  await expect(yaml).toContainText('replicas: 2');

  const list = await page.request.get('/api/v1/deploy/sales-assistant/status?environment=staging');
  expect(list.status()).toBe(200);
  expect((await list.json()).environments[0]).toMatchObject({ version: '1.3.0-rc.2', replicas: 2 });
});

test('a viewer sees deployments but no deploy, scale or undeploy controls, and the server refuses a deploy', async ({ browser, page }) => {
  // Something to look at, whether or not the test above ran first.
  await asUser(browser, mlEngineer, async (request) => {
    const status = await request.get('/api/v1/deploy/sales-assistant/status?environment=staging');
    if ((await status.json()).environments.length === 0) await deploy(request, 'sales-assistant', { environment: 'staging' });
  });
  await login(page, viewer);
  await page.goto('/deployments');
  await expect(page.getByRole('heading', { name: 'Deployments', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Deploy a model' })).toHaveCount(0);
  await deploymentRow(page, 'sales-assistant', 'staging').getByRole('link', { name: 'sales-assistant' }).click();
  await expect(page.getByRole('heading', { name: 'sales-assistant · staging' })).toBeVisible();
  await expect(page.getByTestId('manifests-yaml')).toContainText('kind: Deployment');
  await expect(page.getByRole('form', { name: 'Scale' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Undeploy' })).toHaveCount(0);
  const res = await page.request.post('/api/v1/deploy/sales-assistant', { data: { environment: 'staging', replicas: 1 } });
  expect(res.status()).toBe(403);
});

test('the list shows family, environment, version, replicas and health, and a scale made through the API reaches open pages within 2 s', async ({ browser, page }) => {
  test.setTimeout(120_000);
  await login(page, mlEngineer);
  const id = await freshDeploy(page.request, 'financing-advisor', { environment: 'staging', replicas: 2 });

  await page.goto('/deployments');
  const table = page.getByRole('table', { name: 'Deployments' });
  await expect(table.getByRole('columnheader')).toHaveText(['Model', 'Environment', 'Version', 'Replicas', 'Health', 'Checked']);
  const row = deploymentRow(page, 'financing-advisor', 'staging');
  await expect(row).toHaveCount(1);
  // The staging alias picked the version; the health badge turns healthy without a reload.
  await expect(row.getByRole('cell')).toHaveText(['financing-advisor', 'staging', 'v1.1.0', '2', /^healthy\s*2\/2 replicas ready/, /.+/], { timeout: 60_000 });
  await expect(row.locator('.health-healthy')).toBeVisible();

  // The deployment page, open in a second window of the same user.
  const detailContext = await browser.newContext();
  const detail = await detailContext.newPage();
  await login(detail, mlEngineer);
  await detail.goto(`/deployments/${id}`);
  await expect(detail.getByTestId('ready-replicas')).toHaveText('2/2');
  await expect(detail.getByRole('table', { name: 'Actions' })).toContainText('deployed 1.1.0');
  // Proof that what follows arrives without a reload: a reload would lose these.
  for (const p of [page, detail]) await p.evaluate(() => Object.assign(window, { __e2eNoReload: true }));

  // Scaled server-side (REST, the user's session), not through either page.
  const res = await page.request.post('/api/v1/deploy/financing-advisor/scale', { data: { environment: 'staging', replicas: 3 } });
  expect(res.status(), await res.text()).toBe(200);
  const changedAt = Date.now();
  await expect(detail.getByTestId('ready-replicas')).toHaveText(/^[0-3]\/3$/, within(changedAt));
  await expect(detail.getByRole('table', { name: 'Actions' })).toContainText('scaled from 2 to 3 replicas', within(changedAt));
  await expect(row.getByRole('cell').nth(3)).toHaveText('3', within(changedAt));
  const elapsed = Date.now() - changedAt;
  test.info().annotations.push({ type: 'live update', description: `both pages showed the scale ${elapsed} ms after the API answered` });
  expect(elapsed).toBeLessThanOrEqual(2_000);
  for (const p of [page, detail]) expect(await p.evaluate(() => (window as unknown as { __e2eNoReload?: boolean }).__e2eNoReload)).toBe(true);

  // And the third replica becomes ready on its own.
  await expect(detail.getByTestId('ready-replicas')).toHaveText('3/3', { timeout: 30_000 });
  await detailContext.close();
  await undeploy(page.request, 'financing-advisor', 'staging');
});

test('the deployment page shows the cluster events and the health charts with data', async ({ page }) => {
  test.setTimeout(120_000);
  await login(page, mlEngineer);
  const id = await freshDeploy(page.request, 'service-advisor', { environment: 'staging', version: '1.0.0' });
  await page.goto(`/deployments/${id}`);
  await expect(page.getByRole('heading', { name: 'service-advisor · staging' })).toBeVisible();
  await expect(page.getByTestId('deployment-health')).toHaveText('healthy', { timeout: 60_000 });

  const events = page.getByRole('table', { name: 'Events' });
  await expect(events.getByRole('columnheader')).toHaveText(['Type', 'Reason', 'Message', 'Count', 'Last seen']);
  for (const reason of ['ScalingReplicaSet', 'Scheduled', 'Pulled', 'Started']) await expect(events).toContainText(reason);
  await expect(events).toContainText(/Scaled up replica set \S+ from 0 to 1/);
  await expect(events.getByRole('row').filter({ hasText: 'ScalingReplicaSet' }).first()).toContainText('Normal');

  // Four charts over the health checks; each line is drawn through at least two checks (a path with a
  // segment after its first point: recharts draws one point alone as a bare "M").
  const charts: Array<[string, number]> = [
    ['Ready replicas', 2],
    ['Latency (ms)', 2],
    ['Error rate (%)', 1],
    ['Tokens per second', 1],
  ];
  for (const [title, lines] of charts) {
    const chart = page.getByRole('figure', { name: title });
    await expect(chart).toBeVisible();
    const curves = chart.locator('path.recharts-line-curve');
    await expect(curves).toHaveCount(lines, { timeout: 30_000 });
    for (let i = 0; i < lines; i++) await expect(curves.nth(i)).toHaveAttribute('d', /^M[-\d.]+,[-\d.]+[LC]/, { timeout: 30_000 });
  }
  // recharts orders legend items its own way: compare as sets.
  for (const [title, names] of [['Latency (ms)', ['p50', 'p95']], ['Ready replicas', ['desired', 'ready']]] as const) {
    await expect.poll(async () => (await page.getByRole('figure', { name: title }).locator('.recharts-legend-item').allTextContents()).map((t) => t.trim()).sort()).toEqual(names);
  }
  // The y axes are scaled to data: a tick with a unit on the latency and error-rate charts.
  const ticks = (title: string, label: RegExp) => page.getByRole('figure', { name: title }).locator('.recharts-cartesian-axis-tick-value').filter({ hasText: label });
  await expect(ticks('Latency (ms)', /^\d+ ms$/).first()).toBeVisible();
  await expect(ticks('Error rate (%)', /^[\d.]+%$/).first()).toBeVisible();

  await undeploy(page.request, 'service-advisor', 'staging');
});

test('deploying a second version from the UI shows the rollout from the old version to the new one until it completes', async ({ page }) => {
  test.setTimeout(120_000);
  await login(page, mlEngineer);
  const id = await freshDeploy(page.request, 'ev-charging-helper', { environment: 'staging', version: '0.9.0', replicas: 2 });
  await page.goto(`/deployments/${id}`);
  await expect(page.getByTestId('deployment-health')).toHaveText('healthy', { timeout: 60_000 });
  await expect(page.getByTestId('ready-replicas')).toHaveText('2/2');
  await expect(page.getByTestId('serving-version')).toHaveText('v0.9.0');
  await expect(page.getByTestId('rollout-progress')).toHaveCount(0);

  await page.goto('/deployments');
  await page.getByRole('button', { name: 'Deploy a model' }).click();
  const form = page.getByRole('form', { name: 'Deploy a model' });
  await form.getByLabel('Model').selectOption('ev-charging-helper');
  await form.getByLabel('Version').fill('1.0.0-rc.1');
  await form.getByLabel('Replicas').fill('2');
  await form.getByLabel('GPUs per replica').fill('1');
  await form.getByRole('button', { name: 'Deploy', exact: true }).click();
  // Another version where one runs is a rolling update of the same deployment.
  await expect(page).toHaveURL(new RegExp(`/deployments/${id}$`));

  // In progress: the old version still serves while the new one rolls out (maxSurge 1, maxUnavailable 0:
  // one new pod at a time, ~5 s each), and the bar moves from 0 through 50% of the two replicas.
  const progress = page.getByTestId('rollout-progress');
  await expect(progress).toContainText(/Rolling out v1\.0\.0-rc\.1: \d+%/);
  await expect(page.getByTestId('serving-version')).toHaveText('v0.9.0');
  await expect(progress.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '50', { timeout: 30_000 });
  await expect(progress).toContainText('50%');
  await expect(page.getByRole('table', { name: 'Actions' })).toContainText('rolling update 0.9.0 → 1.0.0-rc.1');

  // Done: the bar goes, the new version serves on both replicas, and it is healthy.
  await expect(progress).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('serving-version')).toHaveText('v1.0.0-rc.1');
  await expect(page.getByTestId('ready-replicas')).toHaveText('2/2');
  await expect(page.getByRole('table', { name: 'Pods' }).getByRole('row').filter({ hasText: 'v1.0.0-rc.1' })).toHaveCount(2);
  await expect(page.getByRole('table', { name: 'Pods' })).not.toContainText('v0.9.0');
  await expect(page.getByTestId('deployment-health')).toHaveText('healthy', { timeout: 30_000 });
  await expect(page.getByTestId('deployment-alert')).toHaveCount(0);

  await undeploy(page.request, 'ev-charging-helper', 'staging');
});

test('undeploying from the deployment page asks first, then removes it from the cluster and the list', async ({ page }) => {
  test.setTimeout(90_000);
  await login(page, mlEngineer);
  const id = await freshDeploy(page.request, 'service-advisor', { environment: 'staging', version: '0.2.0' });
  await page.goto('/deployments');
  await deploymentRow(page, 'service-advisor', 'staging').getByRole('link', { name: 'service-advisor' }).click();
  await expect(page).toHaveURL(new RegExp(`/deployments/${id}$`));
  await expect(page.getByTestId('ready-replicas')).toHaveText('1/1', { timeout: 30_000 });

  // The first click only asks; Cancel backs out and nothing happens.
  await page.getByRole('button', { name: 'Undeploy' }).click();
  const confirm = page.getByRole('group', { name: 'Confirm action' });
  await expect(confirm).toContainText('Remove service-advisor from staging? Every object it created is deleted.');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'Actions' })).not.toContainText('undeploy');

  await page.getByRole('button', { name: 'Undeploy' }).click();
  await confirm.getByRole('button', { name: 'Undeploy' }).click();
  await expect(page).toHaveURL(/\/deployments$/);
  await expect(page.getByRole('table', { name: 'Deployments' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Deployments' }).getByRole('link', { name: 'service-advisor', exact: true })).toHaveCount(0);

  const status = await page.request.get('/api/v1/deploy/service-advisor/status?environment=staging');
  expect((await status.json()).environments).toEqual([]);
  // Its page stays, as a record: undeployed, no cluster objects, the actions kept.
  await page.goto(`/deployments/${id}`);
  await expect(page.getByTestId('deployment-health-reason')).toHaveText('undeployed');
  await expect(page.getByTestId('ready-replicas')).toHaveText('—');
  await expect(page.getByRole('table', { name: 'Actions' })).toContainText('removed service-advisor 0.2.0 from staging');
  await expect(page.getByRole('button', { name: 'Undeploy' })).toHaveCount(0);
});

test('a new version that fails its chat checks is rolled back automatically and the page shows the alert', async ({ page }) => {
  test.setTimeout(180_000);
  await login(page, mlEngineer);
  const id = await freshDeploy(page.request, 'ev-charging-helper', { environment: 'staging', version: '0.9.0' });
  await page.goto(`/deployments/${id}`);
  await expect(page.getByTestId('deployment-health')).toHaveText('healthy', { timeout: 60_000 });
  await expect(page.getByTestId('deployment-alert')).toHaveCount(0);

  // The simulated model server of 1.0.0-rc.1 fails every chat completion (NW_SIM_ERROR_RATE=1): once it
  // alone serves, every check is unhealthy, and K = 2 in a row within the rollback window roll it back.
  // K is small on purpose: the rolled-back pod takes longer than two rounds to start, and while that
  // rollout runs the still-serving bad pod's failures must not count (they once triggered a restart that
  // replaced the starting pod, again and again, so the rollback never landed).
  await deploy(page.request, 'ev-charging-helper', {
    environment: 'staging',
    version: '1.0.0-rc.1',
    env: { NW_SIM_ERROR_RATE: '1' },
    recovery: { restartAfterFailures: 2, rollbackWindowMinutes: 30 },
  });
  const alert = page.getByRole('alert').filter({ hasText: 'automatic rollback' });
  await expect(alert).toContainText('automatic rollback 1.0.0-rc.1 → 0.9.0: 2 consecutive unhealthy checks (chat completion failed', { timeout: 90_000 });
  await expect(page.getByTestId('deployment-alert')).toHaveCount(1);
  const actions = page.getByRole('table', { name: 'Actions' });
  await expect(actions.getByRole('row').filter({ hasText: 'automatic rollback' })).toContainText('automatic');
  await expect(actions.getByRole('row').filter({ hasText: 'automatic rollback' })).toHaveClass(/row-danger/);

  // The old version comes back and is healthy again; the alert stays until someone deploys again.
  await expect(page.getByRole('heading', { name: 'ev-charging-helper · staging' })).toBeVisible();
  await expect(page.getByTestId('serving-version')).toHaveText('v0.9.0', { timeout: 60_000 });
  await expect(page.getByTestId('rollout-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('deployment-health')).toHaveText('healthy', { timeout: 30_000 });
  await expect(alert).toBeVisible();
  // One automatic action, the rollback: no restart of the rolled-back version followed.
  await expect(actions).not.toContainText('rollout restart');

  await undeploy(page.request, 'ev-charging-helper', 'staging');
});
