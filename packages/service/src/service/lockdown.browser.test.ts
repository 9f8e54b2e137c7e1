/**
 * Browser test of the host lockdown (issue 7, C9): Debian's chromium driven by playwright-core against the real
 * service and its demo tenant. Lock a Windows host for 4 hours from its page, see the state and the time left,
 * unlock it; a read-only user sees no lockdown or isolation controls. Screenshots land in
 * test-artifacts/screenshots/lockdown-*.png. Skipped, saying so, when /usr/bin/chromium is absent.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAll,
  createUsers,
  hasChromium,
  launchChromium,
  prepareBrowserRun,
  shotsNamed,
  signIn,
  startDemoService,
  waitForDemoData,
} from './browser.test-support.js';
import type { RunningService } from './start-service.js';

const ADMIN_PASSWORD = 'lockdown-browser-test admin password';
const READER_PASSWORD = 'lockdown-browser-test reader password';

let service: RunningService;
let browser: Browser;

const shot = shotsNamed('lockdown-');

/**
 * A live, primary Windows device of the demo tenant that the replica does not show as isolated, seen most
 * recently: the emulator leaves an action on an offline device Pending until it times out (days).
 */
async function windowsHost() {
  return service.store.db
    .selectFrom('devices as d')
    .leftJoin('isolation_states as i', (join) =>
      join.onRef('i.tenant', '=', 'd.tenant').onRef('i.machine_id', '=', 'd.id'),
    )
    .select(['d.id', 'd.computer_dns_name'])
    .where('d.os_platform', 'like', 'Windows%')
    .where('d.removed_at', 'is', null)
    .where('d.is_primary', '=', 1)
    .where('d.health_status', '=', 'Active')
    .where((eb) => eb.or([eb('i.state', 'is', null), eb('i.state', '=', 'not_isolated')]))
    .orderBy('d.last_seen', 'desc')
    .executeTakeFirst();
}

async function openHost(page: Page, host: { id: string; computer_dns_name: string }): Promise<void> {
  await page.goto(`${service.url}/hosts/${encodeURIComponent(host.id)}`);
  await page.getByRole('heading', { name: host.computer_dns_name }).waitFor();
  await page.getByRole('heading', { name: 'Lockdown' }).waitFor();
}

describe.skipIf(!hasChromium)('the host lockdown in chromium', () => {
  beforeAll(async () => {
    prepareBrowserRun();
    service = await startDemoService({ name: 'lockdown', adminPassword: ADMIN_PASSWORD, demoDevices: 20 });
    await createUsers(service, [{ username: 'reader', password: READER_PASSWORD, roleId: 'read-only' }]);
    browser = await launchChromium();
    await waitForDemoData(windowsHost, {
      timeoutMs: 60_000,
      failure: 'no Windows device of the demo tenant synced within a minute',
    });
  }, 180_000);

  afterAll(() => closeAll(browser, service));

  it('locks a Windows host for 4 hours from its page, shows the state and the time left, and unlocks it', async () => {
    const host = await windowsHost();
    if (!host) throw new Error('no Windows host');
    const page = await browser.newPage();
    await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
    await openHost(page, host);
    // The state badge inside the widget (the header's isolation badge says Isolating, Releasing… too).
    const widget = page.getByRole('region', { name: 'Lockdown' });
    await widget.getByText('Not locked', { exact: true }).waitFor();
    await shot(page, '01-not-locked');

    await page.getByRole('button', { name: 'Lock host' }).click();
    const lock = page.getByRole('dialog');
    await lock.getByLabel('Duration').selectOption('4h');
    const confirm = lock.getByRole('button', { name: 'Lock', exact: true });
    // The comment is required: nothing can be sent without one.
    expect(await confirm.isDisabled()).toBe(true);
    await lock.getByLabel('Comment').fill('Browser test: beaconing to a known C2 domain');
    await shot(page, '02-lock-dialog');
    await confirm.click();

    await page.getByRole('status').filter({ hasText: 'Lockdown for 4h requested' }).waitFor();
    await widget.getByText(/^(Locking|Locked)$/).waitFor();
    const left = (await page.getByRole('timer', { name: 'Time left' }).textContent()) ?? '';
    expect(left).toMatch(/^(3 h 5\d m \d+ s|4 h 0 m 0 s)$/);
    await page.getByText('Browser test: beaconing to a known C2 domain').waitFor();
    await shot(page, '03-locking');

    // An isolate and a release may not race, so unlock once Defender has isolated the device: the emulator
    // completes an action after a minute and the machine action sweep notices it on its next run.
    await widget.getByText('Locked', { exact: true }).waitFor({ timeout: 240_000 });
    // The countdown is live: it moves on by itself.
    const before = await page.getByRole('timer', { name: 'Time left' }).textContent();
    await expect
      .poll(() => page.getByRole('timer', { name: 'Time left' }).textContent(), { timeout: 5000 })
      .not.toBe(before);
    await shot(page, '04-locked');

    await page.getByRole('button', { name: 'Unlock now' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Unlock', exact: true }).click();
    await widget.getByText(/^(Releasing|Released)$/).waitFor();
    await expect(page.getByRole('timer', { name: 'Time left' }).count()).resolves.toBe(0);
    await shot(page, '05-unlocked');
    await page.close();
  }, 360_000);

  it('shows a read-only user the lockdown state but no lock, unlock or isolation controls', async () => {
    const host = await windowsHost();
    if (!host) throw new Error('no Windows host');
    const page = await browser.newPage();
    await signIn(page, service.url, 'reader', READER_PASSWORD);
    await openHost(page, host);
    await page
      .getByRole('region', { name: 'Lockdown' })
      .getByText(/^(Not locked|Locking|Locked|Releasing|Released|Failed)$/)
      .waitFor();
    await expect(page.getByRole('button', { name: 'Lock host' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Unlock now' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: /^(Isolate|Release|Run scan)$/ }).count()).resolves.toBe(0);
    await shot(page, '06-read-only');

    await page.goto(`${service.url}/hosts`);
    await page.getByRole('table', { name: 'Hosts' }).waitFor();
    await expect(page.getByRole('columnheader', { name: 'Response' }).count()).resolves.toBe(0);
    await page.close();
  }, 60_000);
});
