/**
 * Browser test of the Risk tab (C6): Debian's chromium driven by playwright-core against the real service with
 * its emulated demo tenant. Screenshots land in test-artifacts/screenshots/risk-*.png (not committed). Skipped,
 * saying so, when /usr/bin/chromium is absent (`.ci/run` installs it).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAll,
  hasChromium,
  launchChromium,
  prepareBrowserRun,
  shotsNamed,
  signIn,
  startDemoService,
  waitForDemoData,
} from './browser.test-support.js';
import type { RunningService } from './start-service.js';

const ADMIN_PASSWORD = 'risk-browser-test admin password';

let service: RunningService;
let browser: Browser;

const shot = shotsNamed('risk-');

/** The risk row of a device with vulnerabilities, once the demo tenant's syncs and the recompute have run. */
async function exposedDevice() {
  return service.store.db
    .selectFrom('device_risk as r')
    .innerJoin('devices as d', (join) =>
      join.onRef('d.tenant', '=', 'r.tenant').onRef('d.id', '=', 'r.device_id'),
    )
    .select([
      'd.id',
      'd.computer_dns_name',
      'r.exposure',
      'r.overall',
      'r.vulnerability_count',
      'r.top_cve_id',
    ])
    .where('r.vulnerability_count', '>', 0)
    .where('d.removed_at', 'is', null)
    .orderBy('r.vulnerability_count', 'desc')
    .orderBy('d.id')
    .limit(1)
    .executeTakeFirst();
}

describe.skipIf(!hasChromium)('the Risk tab in chromium', () => {
  beforeAll(async () => {
    prepareBrowserRun();
    service = await startDemoService({ name: 'risk-ui', adminPassword: ADMIN_PASSWORD, demoDevices: 30 });
    browser = await launchChromium();
    // Devices, their vulnerabilities and the risk recompute that follows each sync must have landed.
    await waitForDemoData(exposedDevice, {
      timeoutMs: 120_000,
      failure: 'no device risk with vulnerabilities within two minutes',
    });
  }, 180_000);

  afterAll(() => closeAll(browser, service));

  it('shows the exposure badge, the vulnerability count (no portal link for the emulated cloud) and the reasons', async () => {
    const device = await exposedDevice();
    if (!device) throw new Error('no exposed device');
    const page = await browser.newPage();
    await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${service.url}/hosts/${encodeURIComponent(device.id)}`);
    await page.getByRole('heading', { name: device.computer_dns_name }).waitFor();
    await page.getByRole('tab', { name: 'Risk' }).click();
    await page.getByRole('tab', { name: 'Microsoft Defender' }).waitFor();

    const exposure = page.getByText(`Exposure risk: ${device.exposure}`, { exact: true });
    await exposure.waitFor();
    // components/badge.tsx colours a level by its name; None is the 'ok' tone.
    const tone = device.exposure === 'None' ? 'ok' : device.exposure.toLowerCase();
    expect(await exposure.getAttribute('class')).toContain(`badge-${tone}`);
    const n = Number(device.vulnerability_count);
    await page.getByText(`${n} ${n === 1 ? 'vulnerability' : 'vulnerabilities'}`, { exact: true }).waitFor();
    await page
      .getByText(/no Defender portal link/)
      .first()
      .waitFor();
    await page.getByText(`Overall risk: ${device.overall}`, { exact: true }).waitFor();
    if (device.top_cve_id) await page.getByText(device.top_cve_id, { exact: true }).first().waitFor();
    await page.getByRole('table', { name: /Risk level changes/ }).waitFor();
    await shot(page, '01-defender-subtab');
    await page.close();
  });

  it('shows risk badges in the hosts list and filters it by risk level', async () => {
    const device = await exposedDevice();
    if (!device) throw new Error('no exposed device');
    const page = await browser.newPage();
    await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${service.url}/hosts`);
    await page.getByLabel('Risk level').selectOption(device.overall);
    await page.getByLabel('Search hosts').fill(device.computer_dns_name);
    await page.getByRole('link', { name: device.computer_dns_name }).first().waitFor();
    expect(page.url()).toContain(`riskLevel=${device.overall}`);
    await page.getByRole('columnheader', { name: 'Risk level' }).waitFor();
    await shot(page, '02-hosts-risk-filter');
    await page.close();
  });
});
