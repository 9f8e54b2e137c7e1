/**
 * Browser test of automatic lockdown, detections and approvals (issue 7): Debian's chromium driven by
 * playwright-core against the real service and its demo tenant (the emulator). A lockdown policy is created in
 * the UI, a network detection that passes it is POSTed with an API token, and the detection shows as locked in
 * the list and on its page with the policy's decision; a dry-run policy shows what it would have done; with an
 * approval rule on a device's group, one analyst's isolate waits and a second analyst approves it. Screenshots
 * land in test-artifacts/screenshots/detections-*.png. Skipped, saying so, when /usr/bin/chromium is absent.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../auth/api-tokens.js';
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

const ADMIN_PASSWORD = 'detections-browser-test admin password';
const ALICE_PASSWORD = 'detections-browser-test alice password';
const BOB_PASSWORD = 'detections-browser-test bob password';

interface Host {
  id: string;
  tenant: string;
  computer_dns_name: string;
  rbac_group_name: string | null;
}

let service: RunningService;
let browser: Browser;
let token: string;
/** Three live Windows devices: one locked by a policy, one judged by the dry run, one guarded by an approval rule. */
let locked: Host;
let watched: Host;
let guarded: Host;

const shot = shotsNamed('detections-');

/** Live, primary Windows devices the replica does not show as isolated, seen most recently first. */
async function candidateHosts(): Promise<Host[]> {
  return service.store.db
    .selectFrom('devices as d')
    .leftJoin('isolation_states as i', (join) =>
      join.onRef('i.tenant', '=', 'd.tenant').onRef('i.machine_id', '=', 'd.id'),
    )
    .select(['d.id', 'd.tenant', 'd.computer_dns_name', 'd.rbac_group_name'])
    .where('d.os_platform', 'like', 'Windows%')
    .where('d.removed_at', 'is', null)
    .where('d.is_primary', '=', 1)
    .where('d.health_status', '=', 'Active')
    .where('d.computer_dns_name', 'is not', null)
    .where((eb) => eb.or([eb('i.state', 'is', null), eb('i.state', '=', 'not_isolated')]))
    .orderBy('d.last_seen', 'desc')
    .execute() as Promise<Host[]>;
}

/** The guarded host's group must not be the others' (their locks would then wait for approval too). */
function pickHosts(hosts: Host[]): [Host, Host, Host] | null {
  for (const g of hosts) {
    if (!g.rbac_group_name) continue;
    const others = hosts.filter((h) => h.id !== g.id && h.rbac_group_name !== g.rbac_group_name);
    if (others.length >= 2) return [others[0], others[1], g];
  }
  return null;
}

async function submitDetection(host: Host, scores: { threatScore: number; certaintyScore: number }) {
  const response = await fetch(`${service.url}/api/v1/detections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      id: `ndr-${randomUUID()}`,
      source: 'browser-test-ndr',
      hostName: host.computer_dns_name,
      ...scores,
      privilege: 7,
      category: 'command_and_control',
      remoteIp: '203.0.113.50',
      remotePort: 443,
      protocol: 'tcp',
      domain: 'c2.example.net',
      timestamp: new Date(Date.now() - 60_000).toISOString(),
    }),
  });
  const body = (await response.json()) as {
    id: string;
    machineId: string | null;
    lockdown: { outcome: string | null };
  };
  expect(response.status, JSON.stringify(body)).toBe(201);
  return body;
}

/** Fills the policy form (opened with "Add policy") and saves it. */
async function addPolicy(
  page: Page,
  policy: { name: string; minThreat: string; minCertainty: string; dryRun: boolean },
): Promise<void> {
  await page.getByRole('button', { name: 'Add policy' }).click();
  const form = page.getByRole('form', { name: 'Add lockdown policy' });
  await form.getByLabel('Name').fill(policy.name);
  await form.getByLabel('Minimum threat score').fill(policy.minThreat);
  await form.getByLabel('Minimum certainty score').fill(policy.minCertainty);
  if (policy.dryRun) await form.getByLabel('Dry run').check();
  else await expect(form.getByLabel('Dry run').isChecked()).resolves.toBe(false);
  // The demo tenant marks some devices High value; this test is about thresholds, not that exclusion.
  await form.getByLabel('Never lock devices whose device value is High').uncheck();
  await form.getByLabel('Lockdown duration').selectOption('4h');
  await form.getByRole('button', { name: 'Add policy' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Policy ${policy.name} saved.` })
    .waitFor();
}

describe.skipIf(!hasChromium)('detections, lockdown policies and approvals in chromium', () => {
  beforeAll(async () => {
    prepareBrowserRun();
    service = await startDemoService({ name: 'detections', adminPassword: ADMIN_PASSWORD, demoDevices: 40 });
    await createUsers(service, [
      { username: 'alice', password: ALICE_PASSWORD, roleId: 'analyst' },
      { username: 'bob', password: BOB_PASSWORD, roleId: 'analyst' },
    ]);
    ({ token } = await createApiToken(service.store.db, {
      name: 'browser-test-ndr',
      roleId: 'analyst',
      createdBy: 'admin',
    }));
    browser = await launchChromium();
    [locked, watched, guarded] = await waitForDemoData(async () => pickHosts(await candidateHosts()), {
      timeoutMs: 60_000,
      failure: 'three suitable Windows devices did not sync within a minute',
    });
  }, 180_000);

  afterAll(() => closeAll(browser, service));

  it('locks a host when a detection passes a policy made in the UI, and shows it in the list and on its page', async () => {
    const page = await browser.newPage();
    await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${service.url}/settings/lockdown-policies`);
    await page.getByRole('heading', { name: 'Lockdown policies' }).waitFor();
    await addPolicy(page, { name: 'C2 beacons', minThreat: '80', minCertainty: '70', dryRun: false });
    const row = page
      .getByRole('table', { name: 'Lockdown policies' })
      .getByRole('row', { name: /C2 beacons/ });
    await row.getByText('Enabled').waitFor();
    // Only the thresholds that were set: an unset one is not stored as 0.
    await row.getByText('threat ≥ 80 · certainty ≥ 70', { exact: true }).waitFor();
    await expect(row.getByText('Dry run').count()).resolves.toBe(0);
    await shot(page, '01-policy');

    const detection = await submitDetection(locked, { threatScore: 92, certaintyScore: 85 });
    expect(detection.machineId).toBe(locked.id);
    expect(detection.lockdown.outcome).toBe('locked');

    await page.goto(`${service.url}/detections`);
    const list = page.getByRole('table', { name: 'Detections' });
    const listed = list.getByRole('row').filter({ hasText: locked.computer_dns_name });
    await listed.getByText('Locked', { exact: true }).waitFor();
    await listed.getByText('203.0.113.50:443').waitFor();
    await listed.getByRole('link', { name: locked.computer_dns_name }).waitFor();
    await shot(page, '02-list');

    // The outcome filter goes to the URL and to the API.
    await page.getByLabel('Lockdown outcome').selectOption('locked');
    await expect.poll(() => new URL(page.url()).searchParams.get('outcome')).toBe('locked');
    await listed.waitFor();

    await page.goto(`${service.url}/detections/${encodeURIComponent(detection.id)}`);
    await page.getByRole('heading', { name: 'Detection from browser-test-ndr' }).waitFor();
    const decisions = page.getByRole('table', { name: 'Lockdown decisions' });
    const decision = decisions.getByRole('row').filter({ hasText: 'C2 beacons' });
    await decision.getByText('Locked', { exact: true }).waitFor();
    await decision.getByRole('link', { name: 'Lockdown on the host page' }).waitFor();
    await page.getByRole('heading', { name: 'Root cause' }).waitFor();
    await shot(page, '03-detection');

    // The host page lists it in its Detections tab.
    await page.goto(`${service.url}/hosts/${encodeURIComponent(locked.id)}?tab=detections`);
    await page
      .getByRole('table', { name: `Detections on ${locked.computer_dns_name}` })
      .getByText('Locked', { exact: true })
      .waitFor();
    await page.close();
  }, 120_000);

  it('shows what a dry-run policy would have done in its recent decisions, sending nothing', async () => {
    const page = await browser.newPage();
    await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${service.url}/settings/lockdown-policies`);
    await page.getByRole('heading', { name: 'Lockdown policies' }).waitFor();
    await addPolicy(page, {
      name: 'Watch medium threats',
      minThreat: '50',
      minCertainty: '50',
      dryRun: true,
    });

    // Below the first policy's 80, above the dry run's 50.
    const detection = await submitDetection(watched, { threatScore: 60, certaintyScore: 60 });
    expect(detection.lockdown.outcome).toBe('would_lock');

    await page.getByRole('button', { name: 'Recent decisions of Watch medium threats' }).click();
    const recent = page.getByRole('region', { name: 'Recent decisions of Watch medium threats' });
    const decided = recent.getByRole('row').filter({ hasText: watched.computer_dns_name });
    await decided.getByText('Would lock (dry run)').waitFor();
    await decided.getByText('Dry run', { exact: true }).waitFor();
    await shot(page, '04-dry-run');

    const lockdowns = await service.store.db
      .selectFrom('lockdowns')
      .select('id')
      .where('device_id', '=', watched.id)
      .execute();
    expect(lockdowns).toEqual([]);
    await page.close();
  }, 120_000);

  it("makes one analyst's isolate wait for a second analyst's approval on a guarded device group", async () => {
    const group = guarded.rbac_group_name as string;
    const admin = await browser.newPage();
    await signIn(admin, service.url, 'admin', ADMIN_PASSWORD);
    await admin.goto(`${service.url}/settings/lockdown-policies`);
    const rules = admin.getByRole('form', { name: 'Add approval rule' });
    await rules.getByLabel('Device group').fill(group);
    await rules.getByRole('button', { name: 'Require approval' }).click();
    await admin.getByRole('table', { name: 'Approval rules' }).getByText(group, { exact: true }).waitFor();
    await shot(admin, '05-approval-rule');
    await admin.close();

    const alice = await browser.newPage();
    await signIn(alice, service.url, 'alice', ALICE_PASSWORD);
    await alice.goto(`${service.url}/hosts/${encodeURIComponent(guarded.id)}`);
    await alice.getByRole('heading', { name: guarded.computer_dns_name }).waitFor();
    await alice.getByRole('button', { name: 'Isolate', exact: true }).click();
    const dialog = alice.getByRole('dialog');
    await dialog.getByLabel('Comment').fill('Browser test: needs a second pair of eyes');
    await dialog.getByRole('button', { name: 'Isolate', exact: true }).click();
    const waiting = alice.getByRole('status').filter({ hasText: 'waiting for approval' });
    await waiting.waitFor();
    await waiting.getByRole('link', { name: 'See approvals' }).waitFor();
    await shot(alice, '06-waiting');
    // Nothing was sent: no response request exists for the device yet.
    const before = await service.store.db
      .selectFrom('response_requests')
      .select('id')
      .where('device_id', '=', guarded.id)
      .execute();
    expect(before).toEqual([]);

    // Alice sees her own request as waiting for another person, with no Approve button.
    await waiting.getByRole('link', { name: 'See approvals' }).click();
    const aliceRow = alice.getByRole('table', { name: 'Approvals' }).getByRole('row').filter({
      hasText: guarded.computer_dns_name,
    });
    await aliceRow.getByText('Waiting for another person').waitFor();
    await expect(aliceRow.getByRole('button', { name: /^Approve/ }).count()).resolves.toBe(0);
    await alice.close();

    const bob = await browser.newPage();
    await signIn(bob, service.url, 'bob', BOB_PASSWORD);
    await bob.goto(`${service.url}/approvals`);
    const bobRow = bob.getByRole('table', { name: 'Approvals' }).getByRole('row').filter({
      hasText: guarded.computer_dns_name,
    });
    await bobRow.getByText('alice').waitFor();
    await shot(bob, '07-pending');
    await bobRow.getByRole('button', { name: /^Approve/ }).click();
    await bob.getByRole('dialog').getByRole('button', { name: 'Approve', exact: true }).click();
    await bob.getByRole('status').filter({ hasText: 'Approved' }).waitFor();

    await bob.getByLabel('State').selectOption('approved');
    await bobRow.getByText('by bob').waitFor();
    await shot(bob, '08-approved');

    // The isolate request now exists, made on alice's behalf once bob approved.
    await bob.goto(`${service.url}/hosts/${encodeURIComponent(guarded.id)}?tab=actions`);
    await bob.getByText('Browser test: needs a second pair of eyes').first().waitFor();
    await shot(bob, '09-request');
    const after = await service.store.db
      .selectFrom('response_requests')
      .select(['type'])
      .where('device_id', '=', guarded.id)
      .execute();
    expect(after.map((r) => r.type)).toEqual(['isolate']);
    await bob.close();
  }, 180_000);
});
