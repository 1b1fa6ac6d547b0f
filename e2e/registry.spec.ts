import { expect, type Page, test } from '@playwright/test';
import { login } from './support/login';
import { admin, mlEngineer, secondAdmin } from './support/users';

/**
 * The registry walk-through from the issue: an ML engineer creates a model, registers 1.0.0, bumps to
 * 1.1.0 and compares them; an admin puts 1.1.0 in production (production promotion is admin-only); the
 * engineer requests a rollback to 1.0.0; a different admin approves it; the timeline shows the rollback.
 */
test.describe.configure({ mode: 'serial' });

const slug = `e2e-sales-${Date.now().toString(36)}`;

/** Leaves the app first, so its own "session gone → /login" redirect cannot race the next navigation. */
async function signOut(page: Page) {
  await page.goto('about:blank');
  await page.context().clearCookies();
}

const node = (page: Page, version: string) => page.locator(`li[data-version="${version}"]`);

test('model lifecycle: create, register, bump, compare, rollback with four eyes', async ({ page }) => {
  await login(page, mlEngineer);
  await page.goto('/models');
  await page.getByRole('button', { name: 'New model' }).click();
  await page.getByLabel('Slug').fill(slug);
  await page.getByLabel('Display name').fill('E2E sales assistant');
  await page.getByLabel('Base model').fill('microsoft/DialoGPT-medium');
  await page.getByLabel('Specialization').fill('sales_assistant');
  await page.getByRole('button', { name: 'Create model' }).click();
  await expect(page).toHaveURL(new RegExp(`/models/${slug}$`));

  // Register 1.0.0 explicitly.
  await page.getByRole('button', { name: 'Register the first version' }).or(page.getByRole('button', { name: 'Register version', exact: true })).first().click();
  await page.getByLabel('Version', { exact: true }).fill('1.0.0');
  await page.getByLabel('Metrics').fill('accuracy=0.72\neval_loss=1.41');
  await page.getByLabel('Config (JSON)').fill('{"qlora": {"rank": 16, "alpha": 32}, "learningRate": 0.0002}');
  await page.getByRole('button', { name: 'Register version', exact: true }).click();
  await expect(node(page, '1.0.0')).toBeVisible();

  // Bump minor → 1.1.0, overriding metrics and config.
  await page.getByRole('button', { name: 'Bump version' }).click();
  await page.getByLabel('Level').selectOption('minor');
  await expect(page.getByTestId('bump-preview')).toContainText('1.1.0');
  await page.getByLabel('Metrics').fill('accuracy=0.79');
  await page.getByLabel('Config (JSON)').fill('{"qlora": {"rank": 64}}');
  await page.getByRole('button', { name: 'Bump version' }).click();
  await expect(page.getByRole('status').filter({ hasText: '1.1.0' })).toBeVisible();
  await expect(node(page, '1.1.0')).toBeVisible();

  // Compare the two versions: the chart, the metric table and the config diff.
  await page.goto(`/models/compare?model=${slug}&a=1.0.0&b=1.1.0`);
  await expect(page.getByText('compatible', { exact: true }).first()).toBeVisible();
  await expect(page.locator('.recharts-surface').first()).toBeVisible();
  await expect(page.getByRole('cell', { name: 'accuracy' }).first()).toBeVisible();
  await expect(page.getByRole('cell', { name: 'qlora.rank' })).toBeVisible();
  await expect(page.getByText('+9.72 %').first()).toBeVisible(); // (0.79 − 0.72) / 0.72

  // Production promotion is admin-only: the engineer has no such button.
  await page.goto(`/models/${slug}`);
  await expect(page.getByRole('button', { name: 'Promote to production' })).toHaveCount(0);
  await signOut(page);

  await login(page, admin);
  await page.goto(`/models/${slug}`);
  for (const version of ['1.0.0', '1.1.0']) {
    await node(page, version).getByRole('button', { name: 'Promote to production' }).click();
    await node(page, version).getByRole('button', { name: 'Promote to production' }).click(); // confirm
    await expect(node(page, version)).toHaveAttribute('data-status', 'production');
  }
  await signOut(page);

  // The engineer asks to roll production back to 1.0.0.
  await login(page, mlEngineer);
  await page.goto(`/models/${slug}`);
  await page.getByRole('button', { name: 'Request rollback' }).click();
  await page.getByLabel('Target version').selectOption('1.0.0');
  await page.getByLabel('Reason').fill('Customers report pushy upselling since 1.1.0');
  await page.getByRole('button', { name: 'Request rollback' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Rollback to 1.0.0 requested' })).toBeVisible();
  await signOut(page);

  // The admin who promoted approves (a different person from the requester).
  await login(page, admin);
  await page.goto('/approvals');
  const card = page.locator('article, li, .card').filter({ hasText: slug }).filter({ hasText: 'pushy upselling' }).first();
  await expect(card).toBeVisible();
  await card.getByRole('button', { name: 'Approve' }).click();
  await page.getByRole('tab', { name: /Approved/ }).click();
  await expect(page.getByText('pushy upselling').first()).toBeVisible();

  // The timeline shows the rollback and production is back on 1.0.0.
  await page.goto(`/models/${slug}`);
  await expect(node(page, '1.0.0')).toHaveAttribute('data-status', 'production');
  await expect(node(page, '1.1.0')).toHaveAttribute('data-status', 'registered');
  await expect(node(page, '1.0.0')).toContainText(/rolled back/i);
  await expect(node(page, '1.0.0')).toContainText(mlEngineer.email);
});

test('an admin cannot approve their own rollback request', async ({ page }) => {
  await login(page, secondAdmin);
  // The seeded sales-assistant family runs 1.2.1 in production.
  await page.goto('/models/sales-assistant');
  await page.getByRole('button', { name: 'Request rollback' }).click();
  await page.getByLabel('Target version').selectOption('1.1.0');
  await page.getByLabel('Reason').fill('Self-approval must be refused');
  await page.getByRole('button', { name: 'Request rollback' }).click();
  await page.goto('/approvals');
  const card = page.locator('article, li, .card').filter({ hasText: 'Self-approval must be refused' }).first();
  await card.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByText('You requested this rollback; another admin must approve it')).toBeVisible();
});
