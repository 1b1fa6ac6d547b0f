import { expect, test } from '@playwright/test';
import { login } from './support/login';
import { mlEngineer, viewer } from './support/users';

// The seed gives sales-assistant a staging version (1.3.0-rc.2); the e2e workers check health every 2 s.

test('an ML engineer deploys to staging, watches it become healthy, scales it and reads the manifests', async ({ page }) => {
  test.setTimeout(120_000);
  await login(page, mlEngineer);
  await page.getByRole('navigation').getByRole('link', { name: 'Deployments', exact: true }).click();
  await expect(page).toHaveURL(/\/deployments$/);
  await page.getByRole('button', { name: 'Deploy a model' }).click();

  const form = page.getByRole('form', { name: 'Deploy a model' });
  await form.getByLabel('Model').selectOption('sales-assistant');
  // Engineers may not deploy to production: the option is not offered.
  await expect(form.getByLabel('Environment').locator('option')).toHaveText(['staging']);
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

test('a viewer sees deployments but no deploy, scale or undeploy controls, and the server refuses a deploy', async ({ page }) => {
  await login(page, viewer);
  await page.goto('/deployments');
  await expect(page.getByRole('heading', { name: 'Deployments', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Deploy a model' })).toHaveCount(0);
  await page.getByRole('link', { name: 'sales-assistant' }).first().click();
  await expect(page.getByRole('heading', { name: 'sales-assistant · staging' })).toBeVisible();
  await expect(page.getByTestId('manifests-yaml')).toContainText('kind: Deployment');
  await expect(page.getByRole('form', { name: 'Scale' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Undeploy' })).toHaveCount(0);
  const res = await page.request.post('/api/v1/deploy/sales-assistant', { data: { environment: 'staging', replicas: 1 } });
  expect(res.status()).toBe(403);
});
