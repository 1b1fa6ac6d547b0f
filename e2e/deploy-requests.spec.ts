import { expect, test } from '@playwright/test';
import { login } from './support/login';
import { admin, mlEngineer } from './support/users';

// service-advisor has production version 1.1.0 in the seed and is deployed by no other spec.

test('an ML engineer asks for a production deploy, an admin approves it on /approvals, and it runs in production', async ({ browser }) => {
  test.setTimeout(120_000);
  const engineer = await (await browser.newContext()).newPage();
  await login(engineer, mlEngineer);
  await engineer.goto('/deployments');
  await engineer.getByRole('button', { name: 'Deploy a model' }).click();
  const form = engineer.getByRole('form', { name: 'Deploy a model' });
  await form.getByLabel('Model').selectOption('service-advisor');
  await form.getByLabel('Environment').selectOption('production');
  await form.getByLabel('GPUs per replica').fill('1');
  // Without a reason the server refuses, naming the field, and nothing is requested.
  await form.getByRole('button', { name: 'Request approval' }).click();
  await expect(form.getByText('must say why')).toBeVisible();
  await form.getByLabel('Why production?').fill('Shipped by the A/B test on service questions');
  await form.getByRole('button', { name: 'Request approval' }).click();
  await expect(form.getByRole('status')).toContainText('Production deploy of service-advisor 1.1.0 requested');

  const page = await (await browser.newContext()).newPage();
  await login(page, admin);
  await page.goto('/approvals');
  const request = page.getByRole('listitem', { name: 'Deploy service-advisor to production' });
  await expect(request).toContainText('Shipped by the A/B test on service questions');
  await expect(request).toContainText('Requested by');
  await request.getByRole('button', { name: 'Approve and deploy' }).click();
  const decided = page.getByRole('list', { name: 'Recently decided production deploys' });
  await expect(decided).toContainText('service-advisor', { timeout: 15_000 });
  await decided.getByRole('link', { name: 'deployment' }).first().click();
  await expect(page.getByRole('heading', { name: 'service-advisor · production' })).toBeVisible();
  await expect(page.getByTestId('deployment-health')).toHaveText('healthy', { timeout: 60_000 });

  const status = await page.request.get('/api/v1/deploy/service-advisor/status?environment=production');
  expect((await status.json()).environments[0]).toMatchObject({ version: '1.1.0', environment: 'production' });
  // Undeploy again so the demo stays as seeded for other specs.
  expect((await page.request.delete('/api/v1/deploy/service-advisor?environment=production')).status()).toBe(200);
});
