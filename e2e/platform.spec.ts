import { expect, test } from '@playwright/test';
import { e2eBaseURL } from './support/env';
import { login } from './support/login';
import { admin, viewer } from './support/users';

test('a wrong password is refused and the user stays on the sign-in page', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(admin.email);
  await page.getByLabel('Password', { exact: true }).fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByText('Invalid email or password')).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});

test('pages behind sign-in redirect to /login', async ({ page }) => {
  await page.goto('/models');
  await expect(page).toHaveURL(/\/login/);
});

test('a viewer sees no admin navigation and the server refuses admin pages', async ({ page }) => {
  await login(page, viewer);
  const nav = page.getByRole('navigation');
  await expect(nav.getByRole('link', { name: 'Models' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Audit' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'API keys' })).toHaveCount(0);
  await page.goto('/models');
  await expect(page.getByRole('button', { name: 'New model' })).toHaveCount(0);
  // The server is the one that refuses: the tRPC call for users fails with 403 for a viewer.
  const res = await page.request.get('/api/trpc/auth.listUsers');
  expect(res.status()).toBe(403);
});

test('an admin creates an API key that is shown once, works over REST, and stops working when revoked', async ({ page, request }) => {
  await login(page, admin);
  await page.goto('/admin/api-keys');
  const name = `e2e-gateway-${Date.now()}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Role', { exact: true }).selectOption('ml_engineer');
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('new-api-key').textContent())!.trim();
  expect(key).toMatch(/^nw_[A-Za-z0-9]{8}_[A-Za-z0-9]{32}$/);

  const ok = await request.get(`${e2eBaseURL}/api/v1/models`, { headers: { authorization: `Bearer ${key}` } });
  expect(ok.status()).toBe(200);

  await page.getByRole('button', { name: 'Done, I have copied it' }).click();
  await expect(page.getByTestId('new-api-key')).toHaveCount(0);
  const row = page.getByRole('row').filter({ hasText: name });
  await row.getByRole('button', { name: 'Revoke' }).click();
  // The confirmation opens in the same row (other specs' keys may have one open too).
  await row.getByRole('button', { name: 'Revoke' }).last().click();
  await expect(row.getByText('Revoked')).toBeVisible();

  const refused = await request.get(`${e2eBaseURL}/api/v1/models`, { headers: { authorization: `Bearer ${key}` } });
  expect(refused.status()).toBe(401);

  await page.goto('/audit');
  await expect(page.getByRole('cell', { name: 'api_key.revoke' }).first()).toBeVisible();
});

test('the System page shows the worker heartbeat, queues, database and Redis', async ({ page }) => {
  await login(page, admin);
  await page.goto('/system');
  await expect(page.getByText('1 of 1 alive')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText('maintenance').first()).toBeVisible();
  await expect(page.getByText('Reachable')).toHaveCount(2);
});

test('the REST API behind Next answers oversized and malformed bodies with 413 and 400, signed in by session cookie', async ({ page }) => {
  await login(page, admin);
  const big = await page.request.post('/api/v1/models', { data: Buffer.from(JSON.stringify({ slug: 'too-big', description: 'x'.repeat(2 * 1024 * 1024) })), headers: { 'content-type': 'application/json' } });
  expect(big.status()).toBe(413);
  expect((await big.json()).error.code).toBe('payload_too_large');
  const bad = await page.request.post('/api/v1/models', { data: Buffer.from('{"slug": '), headers: { 'content-type': 'application/json' } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toMatch(/Malformed JSON/);
  const invalid = await page.request.post('/api/v1/models', { data: { slug: 'Bad_Slug', displayName: 'x', baseModel: 'a/b', specialization: 's' } });
  expect(invalid.status()).toBe(422);
  expect((await invalid.json()).error).toMatchObject({ field: 'slug' });
  const openapi = await page.request.get('/api/v1/openapi.json');
  expect(Object.keys((await openapi.json()).paths)).toContain('/api/v1/models/{model_id}/versions/bump');
});
