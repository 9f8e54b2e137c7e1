/**
 * Browser test of advanced hunting, process stitching and detection validation (issue 8: C11, C12, C13):
 * Debian's chromium driven by playwright-core against the real service and its demo tenant's emulator. Run a KQL
 * query and see its rows; an invalid query shows the parser's message and Run stays disabled; a detection built
 * from one of the emulator's ground-truth scenarios, stitched through the API, shows its process chain on its
 * page; a validation of a detected scenario reports detected with its alerts. Screenshots land in
 * test-artifacts/screenshots/hunting-*.png. Skipped, saying so, when /usr/bin/chromium is absent.
 */
import type { Browser, Page } from 'playwright-core';
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

const ADMIN_PASSWORD = 'hunting-browser-test admin password';

/** The emulator's answer key (GET /_emulator/scenarios), the fields this test uses. */
interface Scenario {
  id: string;
  deviceId: string;
  deviceName: string;
  time: string;
  remoteIp: string;
  remotePort: number;
  remoteUrl: string | null;
  protocol: 'Tcp' | 'Udp';
  processChain: { fileName: string; processId: number; commandLine: string; sha256: string }[];
  alertIds: string[];
  detected: boolean;
}

let service: RunningService;
let browser: Browser;
let scenarios: Scenario[] = [];

const shot = shotsNamed('hunting-');

async function fetchScenarios(): Promise<Scenario[]> {
  if (!service.emulator) throw new Error('the service started without its demo emulator');
  const response = await fetch(`${service.emulator.apiUrl}/_emulator/scenarios`);
  if (!response.ok) throw new Error(`GET /_emulator/scenarios answered ${response.status}`);
  return (await response.json()) as Scenario[];
}

/** Scenarios whose device the bridge has synced (a detection is matched to a device it knows). */
async function syncedScenarios(): Promise<Scenario[]> {
  const ids = new Set(
    (await service.store.db.selectFrom('devices').select('id').where('removed_at', 'is', null).execute()).map(
      (d) => d.id,
    ),
  );
  return scenarios.filter((s) => ids.has(s.deviceId));
}

/** An API call from inside the signed-in page (its session cookie and CSRF token). */
async function apiCall<T>(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const me = (await (await fetch('/api/v1/auth/me')).json()) as { csrfToken: string };
      const response = await fetch(`/api/v1${path}`, {
        method,
        headers: { 'x-csrf-token': me.csrfToken, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    { method, path, body },
  );
}

/** `datetime-local` text in UTC (the test's pages run in the UTC time zone). */
const localUtc = (ms: number) => new Date(ms).toISOString().slice(0, 16);

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ timezoneId: 'UTC', viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
  return page;
}

describe.skipIf(!hasChromium)('hunting, stitching and validation in chromium', () => {
  beforeAll(async () => {
    prepareBrowserRun();
    service = await startDemoService({ name: 'hunting', adminPassword: ADMIN_PASSWORD, demoDevices: 40 });
    browser = await launchChromium();
    scenarios = await fetchScenarios();
    if (scenarios.length === 0) throw new Error('the demo tenant has no ground-truth scenarios');
    await waitForDemoData(async () => (await syncedScenarios()).length > 0, {
      timeoutMs: 90_000,
      failure: 'no scenario device of the demo tenant synced within 90 s',
      intervalMs: 250,
    });
  }, 180_000);

  afterAll(() => closeAll(browser, service));

  it('runs a hunting query and shows its rows, row count and the API used', async () => {
    const page = await newPage();
    await page.goto(`${service.url}/hunting`);
    await page.getByRole('heading', { name: 'Advanced hunting' }).waitFor();
    await page
      .getByLabel('Query', { exact: true })
      .fill('DeviceInfo\n| project DeviceId, DeviceName, OSPlatform\n| take 5');
    await page.getByText('Query looks valid').waitFor();
    await page.getByRole('button', { name: 'Run query' }).click();
    const table = page.getByRole('table', { name: 'Query results' });
    await table.waitFor();
    await expect(table.getByRole('columnheader').allTextContents()).resolves.toEqual([
      'DeviceId',
      'DeviceName',
      'OSPlatform',
    ]);
    const rows = await table.locator('tbody tr').count();
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThanOrEqual(5);
    const meta = (await page.getByTestId('hunting-result-meta').textContent()) ?? '';
    expect(meta).toContain(`${rows} ${rows === 1 ? 'row' : 'rows'}`);
    expect(meta).toMatch(/via (the Defender API|Microsoft Graph)/);
    // The run is in the history, and the quota panel counts it.
    await page.getByRole('list', { name: 'Query history' }).getByText('Succeeded').first().waitFor();
    await expect(page.getByText('Calls this hour').count()).resolves.toBe(1);
    await shot(page, '01-query-rows');

    // Save the query, rename it, load it back after editing, and delete it.
    await page.getByRole('button', { name: 'Save as…' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('Five devices');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    const saved = page.getByRole('list', { name: 'Saved queries' });
    await saved.getByText('Five devices', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Rename Five devices' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('Windows devices');
    await page.getByRole('dialog').getByRole('button', { name: 'Rename' }).click();
    await saved.getByText('Windows devices', { exact: true }).waitFor();
    const editor = page.getByLabel('Query', { exact: true });
    await editor.fill('DeviceInfo | take 1');
    await page.getByRole('button', { name: 'Load Windows devices' }).click();
    await expect(editor.inputValue()).resolves.toContain('project DeviceId, DeviceName, OSPlatform');
    await shot(page, '01b-saved-query');
    await page.getByRole('button', { name: 'Delete Windows devices' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No saved queries.').waitFor();
    await page.context().close();
  }, 90_000);

  it('shows the parser message for an invalid query and keeps Run disabled', async () => {
    const page = await newPage();
    await page.goto(`${service.url}/hunting`);
    await page.getByRole('heading', { name: 'Advanced hunting' }).waitFor();
    await page.getByLabel('Query', { exact: true }).fill('DeviceInfo\n| where NoSuchColumn == 1');
    const problems = page.getByRole('list', { name: 'Query problems' });
    await problems.waitFor();
    const message = (await problems.locator('li').first().textContent()) ?? '';
    expect(message).toMatch(/^\d+:\d+Error/);
    expect(message).toContain('NoSuchColumn');
    expect(await page.getByRole('button', { name: 'Run query' }).isDisabled()).toBe(true);
    await shot(page, '02-invalid-query');
    await page.context().close();
  }, 60_000);

  it('opens a stitched detection and shows its process chain', async () => {
    const scenario = (await syncedScenarios())[0];
    const page = await newPage();
    const created = await apiCall<{ id: string }>(page, 'POST', '/detections', {
      id: `browser-${scenario.id}`,
      source: 'hunting-browser-test',
      hostName: scenario.deviceName,
      remoteIp: scenario.remoteIp,
      remotePort: scenario.remotePort,
      protocol: scenario.protocol,
      ...(scenario.remoteUrl ? { url: scenario.remoteUrl } : {}),
      threatScore: 50,
      certaintyScore: 50,
      timestamp: scenario.time,
    });
    expect([200, 201]).toContain(created.status);
    const stitched = await apiCall<{ stitch: { state: string; error: string | null } }>(
      page,
      'POST',
      `/detections/${encodeURIComponent(created.body.id)}/stitch`,
      {},
    );
    expect(stitched.status).toBe(200);
    expect(stitched.body.stitch).toMatchObject({ state: 'stitched' });

    await page.goto(`${service.url}/detections/${encodeURIComponent(created.body.id)}`);
    const chain = page.getByRole('list', { name: 'Process chain' });
    await chain.waitFor();
    const connecting = scenario.processChain[0];
    await chain.getByText(connecting.fileName, { exact: true }).first().waitFor();
    await chain.getByText(`PID ${connecting.processId}`, { exact: true }).first().waitFor();
    await chain.getByText(connecting.sha256).first().waitFor();
    if (scenario.processChain[1]) {
      await chain.getByText(scenario.processChain[1].fileName, { exact: true }).first().waitFor();
    }
    await page.getByText('Hunting query used').click();
    await shot(page, '03-process-chain');

    // "Open in hunting" carries the query into the editor.
    await page.getByRole('link', { name: 'Open in hunting' }).click();
    await page.getByRole('heading', { name: 'Advanced hunting' }).waitFor();
    const text = await page.getByLabel('Query', { exact: true }).inputValue();
    expect(text).toContain('DeviceNetworkEvents');
    await page.context().close();
  }, 120_000);

  it('runs a validation of a detected scenario and shows its report', async () => {
    const scenario = (await syncedScenarios()).find((s) => s.detected && s.alertIds.length > 0);
    if (!scenario) throw new Error('no detected scenario on a synced device');
    const at = new Date(scenario.time).getTime();
    const page = await newPage();
    await page.goto(`${service.url}/validations`);
    await page.getByRole('heading', { name: 'Validations' }).waitFor();
    await page.getByRole('button', { name: 'New validation' }).click();
    const form = page.getByRole('form', { name: 'New validation' });
    await form.getByLabel('Actor host').fill(scenario.deviceName);
    // A window that ends before it starts is refused on the end field, and nothing is started.
    await form.getByLabel('Activity start').fill(localUtc(at));
    await form.getByLabel('Activity end').fill(localUtc(at - 60 * 60_000));
    await form.getByRole('button', { name: 'Start validation' }).click();
    await form.locator('.field-invalid').getByLabel('Activity end').waitFor();
    await expect(page.getByRole('table', { name: 'Validations' }).count()).resolves.toBe(0);

    await form.getByLabel('Activity start').fill(localUtc(at - 10 * 60_000));
    await form.getByLabel('Activity end').fill(localUtc(at + 60 * 60_000));
    await form.getByLabel('Grace period').selectOption('0m');
    await form.getByLabel('Expected techniques').fill('T9999');
    await shot(page, '04-new-validation');
    await form.getByRole('button', { name: 'Start validation' }).click();

    await page.getByRole('heading', { name: `Validation: ${scenario.deviceName}` }).waitFor();
    await page.getByText(/^Detected\.$/).waitFor({ timeout: 90_000 });
    const alerts = page.getByRole('table', { name: 'Validation alerts' });
    await alerts.waitFor();
    expect(await alerts.locator('tbody tr').count()).toBeGreaterThan(0);
    await expect(page.getByText('Latency to first alert').count()).resolves.toBe(1);
    // A technique no alert carries is listed as missing.
    await page.getByRole('region', { name: 'Techniques' }).getByText('T9999', { exact: true }).waitFor();
    await shot(page, '05-validation-report');

    await page.goto(`${service.url}/validations`);
    const list = page.getByRole('table', { name: 'Validations' });
    await list.getByText(scenario.deviceName).first().waitFor();
    await list.getByText('Detected', { exact: true }).first().waitFor();
    await shot(page, '06-validations-list');
    await page.context().close();
  }, 150_000);

  // Last: it changes the emulator's licence mode, and the ledger may remember the refusal.
  it('explains that a tenant whose licence has no hunting cannot hunt', async () => {
    if (!service.emulator) throw new Error('no emulator');
    const settings = service.emulator.state.settings;
    const license = settings.license;
    settings.license = 'business';
    try {
      const page = await newPage();
      await page.goto(`${service.url}/hunting`);
      await page.getByLabel('Query', { exact: true }).fill('DeviceInfo | take 1');
      await page.getByText('Query looks valid').waitFor();
      await page.getByRole('button', { name: 'Run query' }).click();
      const refusal = page
        .getByRole('alert')
        .filter({ hasText: 'Hunting is not available for this tenant.' });
      await refusal.waitFor();
      expect(await refusal.textContent()).toMatch(/Plan 2/);
      await expect(page.getByRole('table', { name: 'Query results' }).count()).resolves.toBe(0);
      await shot(page, '07-unlicensed');
      await page.context().close();
    } finally {
      settings.license = license;
    }
  }, 60_000);
});
