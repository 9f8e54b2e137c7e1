/**
 * Browser tests: Debian's chromium driven by playwright-core against the real service (store, scheduler,
 * API, built UI) and real emulators. Screenshots of each page land in test-artifacts/screenshots/ (not
 * committed). Skipped, saying so, when /usr/bin/chromium is absent (`.ci/run` installs it).
 */
import { type RunningEmulator, startEmulator } from '@mde-bridge/emulator';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAll,
  createUsers,
  hasChromium,
  launchChromium,
  prepareBrowserRun,
  shot,
  signIn,
  startDemoService,
  waitForDemoData,
} from './browser.test-support.js';
import type { RunningService } from './start-service.js';

const ADMIN_PASSWORD = 'browser-test admin password';
const READER_PASSWORD = 'browser-test reader password';

let service: RunningService;
let other: RunningEmulator;
let browser: Browser;

describe.skipIf(!hasChromium)('the web UI in chromium', () => {
  beforeAll(async () => {
    prepareBrowserRun();
    service = await startDemoService({ name: 'ui', adminPassword: ADMIN_PASSWORD, demoDevices: 30 });
    await createUsers(service, [{ username: 'reader', password: READER_PASSWORD, roleId: 'read-only' }]);
    other = await startEmulator({ host: '127.0.0.1', seed: 'browser', devices: 5, log: () => {} });
    browser = await launchChromium();
    // The demo tenant's devices must be in the replica before the host pages are walked.
    await waitForDemoData(
      async () => {
        const row = await service.store.db
          .selectFrom('devices')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow();
        return Number(row.n) > 0;
      },
      { timeoutMs: 60_000, failure: 'the demo tenant was not synced within a minute' },
    );
  }, 180_000);

  afterAll(() => closeAll(browser, other, service));

  it('signs in the first administrator and shows the dashboard with the demo tenant', async () => {
    const page = await browser.newPage();
    await page.goto(service.url);
    await page.getByLabel('Username').waitFor();
    await shot(page, '01-login');
    await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
    await expect(page.getByText('Emulated demo tenant').first().isVisible()).resolves.toBe(true);
    await shot(page, '02-dashboard');
    await page.close();
  });

  it('tests a new tenant’s connection with a good and a wrong secret, refuses to save the wrong one, saves the good one', async () => {
    const page = await browser.newPage();
    await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${service.url}/settings/tenants/new`);
    await page.getByLabel('Name').fill('lab');
    await page.getByLabel('Directory (tenant) ID').fill(other.tenantId);
    await page.getByLabel('Application (client) ID').fill(other.demoApp.clientId);
    await page.getByLabel('Client secret').fill(other.demoApp.clientSecret);
    await page.getByLabel('Cloud').selectOption('custom');
    await page.getByLabel('API URL').fill(other.apiUrl);
    await page.getByLabel('Login URL').fill(other.loginUrl);
    await page.getByLabel('Graph URL').fill(other.graphUrl);

    await page.getByRole('button', { name: 'Test Connection' }).click();
    await page.getByText('Connection OK').waitFor();
    await shot(page, '03-tenant-test-ok');

    await page.getByLabel('Client secret').fill('not-the-secret');
    await page.getByRole('button', { name: 'Test Connection' }).click();
    await page.getByText('Connection failed').waitFor();
    const failure = await page.getByRole('alert').first().textContent();
    expect((failure ?? '').toLowerCase()).toContain('token');
    await shot(page, '04-tenant-test-wrong-secret');

    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/not saved/i).waitFor();
    const stored = await service.store.db.selectFrom('tenants').select('name').execute();
    expect(stored.map((t) => t.name)).toEqual(['demo']);

    await page.getByLabel('Client secret').fill(other.demoApp.clientSecret);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Tenant saved').waitFor();
    const after = await service.store.db.selectFrom('tenants').select('name').orderBy('name').execute();
    expect(after.map((t) => t.name)).toEqual(['demo', 'lab']);
    await shot(page, '05-tenant-saved');
    await page.close();
  });

  it('searches the hosts list and opens a host page with its Defender context', async () => {
    const device = await service.store.db
      .selectFrom('devices')
      .select(['id', 'computer_dns_name'])
      .where('removed_at', 'is', null)
      .orderBy('computer_dns_name')
      .executeTakeFirstOrThrow();
    const page = await browser.newPage();
    await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${service.url}/hosts`);
    await page.getByLabel('Search hosts').fill(device.computer_dns_name);
    await page.getByRole('link', { name: device.computer_dns_name }).first().waitFor();
    expect(page.url()).toContain('q=');
    await shot(page, '06-hosts-search');

    await page.getByRole('link', { name: device.computer_dns_name }).first().click();
    await page.getByRole('heading', { name: device.computer_dns_name }).waitFor();
    await page.getByRole('tab', { name: 'Host Details' }).click();
    await page.getByText(device.id).first().waitFor();
    await shot(page, '07-host-page');
    await page.close();
  });

  it('hides edit controls from a read-only user, and the API refuses them', async () => {
    const page = await browser.newPage();
    await signIn(page, service.url, 'reader', READER_PASSWORD);
    await page.goto(`${service.url}/settings/tenants`);
    await page.getByRole('heading', { name: 'Tenants' }).waitFor();
    await page.getByText('demo').first().waitFor();
    expect(await page.getByRole('button', { name: /add tenant/i }).count()).toBe(0);
    expect(await page.getByRole('link', { name: /add tenant/i }).count()).toBe(0);
    await shot(page, '08-read-only-tenants');

    const status = await page.evaluate(async () => {
      const me = (await (await fetch('/api/v1/auth/me')).json()) as { csrfToken: string };
      const response = await fetch('/api/v1/tenants/demo/disable', {
        method: 'POST',
        headers: { 'x-csrf-token': me.csrfToken },
      });
      return response.status;
    });
    expect(status).toBe(403);
    await page.close();
  });
});
