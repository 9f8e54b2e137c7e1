/**
 * What every browser test shares: Debian's chromium through playwright-core (never a downloaded browser), the
 * built UI, the real service with its demo tenant in a throw-away data folder, its extra users, waiting for the
 * demo tenant's sync, screenshots under test-artifacts/screenshots/ (not committed), and signing in.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createUser, type NewUser } from '../auth/users.js';
import { DEFAULT_WEB_ROOT, type RunningService, startService } from './start-service.js';

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

/**
 * The real service (store, scheduler, API, built UI) with its emulated demo tenant of `demoDevices` devices, in a
 * fresh data folder named for the test; its `close` also removes that folder.
 */
export async function startDemoService(options: {
  name: string;
  adminPassword: string;
  demoDevices: number;
}): Promise<RunningService> {
  const dir = mkdtempSync(join(tmpdir(), `mde-bridge-${options.name}-`));
  try {
    const service = await startService({
      env: {
        MDE_BRIDGE_DATA_DIR: dir,
        MDE_BRIDGE_MASTER_KEY: randomBytes(32).toString('base64'),
        MDE_BRIDGE_ADMIN_PASSWORD: options.adminPassword,
      },
      port: 0,
      logger: false,
      demoDevices: options.demoDevices,
      say: () => {},
    });
    return {
      ...service,
      close: async () => {
        try {
          await service.close();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Adds users besides the first administrator (a reader, analysts…). */
export async function createUsers(service: RunningService, users: NewUser[]): Promise<void> {
  for (const user of users) await createUser(service.store.db, user);
}

/**
 * Asks `probe` every `intervalMs` until it answers something (not null, undefined or false) and returns that
 * answer; throws `failure` once `timeoutMs` has passed (the demo tenant's first syncs take a while).
 */
export async function waitForDemoData<T>(
  probe: () => Promise<T | null | undefined | false>,
  options: { timeoutMs: number; failure: string; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const answer = await probe();
    if (answer !== null && answer !== undefined && answer !== false) return answer;
    if (Date.now() > deadline) throw new Error(options.failure);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 200));
  }
}

/** Closes, in the order given, what a test started (the browser, emulators, the service); skips what never started. */
export async function closeAll(...running: ({ close(): Promise<void> } | undefined)[]): Promise<void> {
  for (const thing of running) await thing?.close();
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

/** `shot` for one test file: its screenshots are named `<prefix><name>.png`. */
export function shotsNamed(prefix: string): (page: Page, name: string) => Promise<void> {
  return (page, name) => shot(page, `${prefix}${name}`);
}

export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}
