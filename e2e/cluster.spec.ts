import { expect, test } from '@playwright/test';
import { login } from './support/login';
import { admin, viewer } from './support/users';

// The e2e web server has no KUBECONFIG, so it starts (or joins) the simulator on the first cluster call.

test('an admin sees the simulated cluster, its GPU nodes, and the fault-injection settings', async ({ page }) => {
  await login(page, admin);
  // Every page names the cluster in the sidebar.
  await expect(page.getByTestId('cluster-identity')).toContainText('Simulated cluster');
  await page.getByRole('navigation').getByRole('link', { name: 'Cluster', exact: true }).click();
  await expect(page).toHaveURL(/\/cluster$/);
  await expect(page.getByRole('heading', { name: 'Cluster', level: 1 })).toBeVisible();
  await expect(page.getByTestId('cluster-header-identity')).toContainText('Simulated cluster', { timeout: 30_000 });
  await expect(page.getByTestId('cluster-header-identity')).toContainText(/https?:\/\/127\.0\.0\.1:\d+/);

  const node = page.getByTestId('cluster-node').first();
  await expect(node).toBeVisible();
  await expect(node).toContainText(/\d+ of [1-9]\d* GPUs? in use/);
  await expect(node).toContainText('Ready');

  const form = page.getByRole('form', { name: 'Simulator settings' });
  await expect(form.getByLabel('Default job failure')).toBeVisible();
  await expect(form.getByLabel('Crash new model servers')).toBeVisible();
  const gpus = form.getByLabel('GPUs per node');
  const before = await gpus.inputValue();
  const changed = String(Number(before) + 1);

  await gpus.fill(changed);
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByText(/^Saved\./)).toBeVisible();
  await expect(node).toContainText(new RegExp(`of ${changed} GPUs in use`));

  // Put it back for the other specs.
  await form.getByLabel('GPUs per node').fill(before);
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByText(/^Saved\./)).toBeVisible();
  await expect(node).toContainText(new RegExp(`of ${before} GPUs? in use`));
});

test('a viewer sees the cluster but no settings form, and the server refuses a settings change', async ({ page }) => {
  await login(page, viewer);
  await page.goto('/cluster');
  await expect(page.getByTestId('cluster-header-identity')).toContainText('Simulated cluster', { timeout: 30_000 });
  await expect(page.getByTestId('cluster-node').first()).toContainText(/GPUs? in use/);
  await expect(page.getByRole('form', { name: 'Simulator settings' })).toHaveCount(0);
  await expect(page.getByLabel('Default job failure')).toHaveCount(0);
  const res = await page.request.patch('/api/v1/cluster/simulator/settings', { data: { jobFailure: 'OOMKilled' } });
  expect(res.status()).toBe(403);
});
