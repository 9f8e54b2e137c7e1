/**
 * What every browser test shares: Debian's chromium through playwright-core (never a downloaded browser), the
 * built UI, screenshots under test-artifacts/screenshots/ (not committed), and signing in.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { DEFAULT_WEB_ROOT } from './start-service.js';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`${CHROMIUM} is missing: browser tests skipped (apt-get install -y chromium)`);

const repoRoot = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
const screenshots = join(repoRoot, 'test-artifacts', 'screenshots');

/** Builds the UI when no build exists (`.ci/run` builds it first), and makes the screenshot folder. */
export function prepareBrowserRun(): void {
  if (!existsSync(join(DEFAULT_WEB_ROOT, 'index.html'))) {
    execFileSync('npx', ['vite', 'build', 'packages/web', '--logLevel', 'warn'], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
  }
  mkdirSync(screenshots, { recursive: true });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}
