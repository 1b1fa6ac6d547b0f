import type { Page } from '@playwright/test';
import type { DemoUser } from './users';

/**
 * Signs in through the /login form (inputs labelled "Email" and "Password", button "Sign in") and waits
 * until the app has navigated away from /login. Throws with the page's error message if it stays there.
 */
export async function login(page: Page, user: Pick<DemoUser, 'email' | 'password'>) {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  try {
    await page.waitForURL((url) => !/^\/login\/?$/.test(url.pathname), { timeout: 15_000 });
  } catch (error) {
    const alert = await page.getByRole('alert').first().textContent({ timeout: 1_000 }).catch(() => null);
    throw new Error(`login as ${user.email} did not leave /login${alert ? `: "${alert.trim()}"` : ''}`, { cause: error });
  }
}
