/**
 * Devices: a full listing (every device; tombstones for devices a *complete* listing no longer holds) or a
 * `lastSeen` delta. Pitfalls "Paging and large tenants": the client steps `$top`/`$skip` to a short page and
 * says whether the walk completed; a sync that removed "unseen" devices after a walk that stopped early
 * would wipe most of a tenant, so removal only ever follows `state.complete` — and a complete listing that
 * returned far fewer devices than the replica holds (a bad page, a filter broken on Defender's side) fails
 * the run instead of removing them.
 */
import type { Machine } from '@mde-bridge/client';
import { type Insertable, type Kysely, sql } from 'kysely';
import { appendEvents } from '../events/append-event.js';
import { type Database, type DeviceTable, isoMs } from '../store/schema.js';
import { readCursor, writeCursor } from './cursors.js';
import { lastSucceededRun, recordRun } from './run-recorder.js';
import { chunks, maxIso, type ResourceResult, type SyncContext, shiftIso } from './sync-context.js';

/** A delta re-reads this much before the cursor: `lastSeen` is written by the device, not at list time. */
export const MACHINES_OVERLAP_MS = 30 * 60_000;
/** `auto` runs a full reconcile (tombstones, missed deltas) when the last one is older than this. */
export const FULL_RECONCILE_INTERVAL_MS = 24 * 60 * 60_000;

/**
 * A complete full listing that returned fewer than this share of the devices the replica holds removes
 * nothing and fails the run: a tenant losing half its devices between two syncs is far likelier a fault.
 */
export const MIN_LISTED_SHARE_FOR_REMOVAL = 0.5;
/** Replicas smaller than this are exempt: in a tiny tenant a few decommissioned devices are half of it. */
export const SHRINK_GUARD_MIN_DEVICES = 20;

const CURSOR = 'machines';

export async function syncMachines(ctx: SyncContext): Promise<ResourceResult> {
  const { db } = ctx.store;
  const cursor = await readCursor(db, ctx.tenant, CURSOR);
  const mode = cursor === undefined || ctx.mode === 'full' ? 'full' : await autoMode(ctx);
  return recordRun(ctx, 'machines', mode, async (run) => {
    const startedAt = new Date().toISOString();
    let newest = cursor ?? null;
    const held = mode === 'full' ? await liveDeviceCount(db, ctx.tenant) : 0;
    // A tenant's first sync lists every device it has: announcing each as `device.added` would flood
    // webhook receivers with the whole tenant, so only devices that appear after one succeeded are announced.
    const announceNew = (await lastSucceededRun(db, ctx.tenant, 'machines')) !== undefined;
    // No $orderby: in source order a device whose lastSeen moves during the walk keeps its place (at worst
    // it enters a delta's result set and shifts later ones by one: seen twice, never skipped).
    const list = ctx.client.listMachines({
      filter: mode === 'delta' ? `lastSeen ge ${shiftIso(cursor!, -MACHINES_OVERLAP_MS)}` : undefined,
      priority: 'bulk',
      // The next page travels while this one is written: the walk is the same, only sooner.
      readAhead: true,
    });
    for await (const page of list.byPage()) {
      run.apiCalls = list.state.pages;
      const now = new Date().toISOString();
      await db.transaction().execute(async (trx) => {
        const added = announceNew ? await unknownDevices(trx, ctx.tenant, page.items) : [];
        await upsertDevices(trx, ctx.tenant, page.items, now);
        await recordIps(trx, ctx.tenant, page.items, now);
        await resolvePrimaries(trx, ctx.tenant, [...new Set(page.items.map(dnsNameOf))]);
        await appendEvents(
          trx,
          added.map((m) => ({
            tenant: ctx.tenant,
            type: 'device.added',
            subject: m.id,
            data: deviceEventData(m),
          })),
        );
      });
      run.fetched += page.items.length;
      run.upserted += page.items.length;
      for (const m of page.items) newest = maxIso(newest, isoMs(m.lastSeen));
      ctx.onProgress?.({ resource: 'machines', pages: run.apiCalls, items: run.fetched });
    }
    if (!list.state.complete) throw new Error('the device listing ended before its last page');
    if (held >= SHRINK_GUARD_MIN_DEVICES && run.fetched < held * MIN_LISTED_SHARE_FOR_REMOVAL) {
      throw new Error(
        `listing returned ${run.fetched} devices, replica holds ${held}; refusing to remove devices after a ` +
          `listing that returned fewer than ${MIN_LISTED_SHARE_FOR_REMOVAL * 100}% of them (a bad page or a ` +
          'broken filter on the service side?). Nothing was removed; the devices listed were updated.',
      );
    }
    // The cursor moves only now, after every row: pages are not in lastSeen order, so a cursor taken from
    // the first pages would make a restarted delta skip devices of the pages that never committed.
    await db.transaction().execute(async (trx) => {
      if (mode === 'full') {
        const removed = await tombstoneUnseen(trx, ctx.tenant, startedAt);
        run.removed = removed.length;
        if (run.removed > 0) await resolvePrimaries(trx, ctx.tenant, 'all');
        await appendEvents(
          trx,
          removed.map((d) => ({
            tenant: ctx.tenant,
            type: 'device.removed',
            subject: d.id,
            data: { name: d.computer_dns_name, removedAt: d.removed_at },
          })),
        );
      }
      if (newest) await writeCursor(trx, ctx.tenant, CURSOR, newest);
    });
  });
}

/**
 * Writes machines read outside a listing (a host-context refresh, a findbyip answer) the way a listing page is
 * written: the device rows, their IP history and the primary record of their DNS names.
 */
export async function storeMachines(db: Kysely<Database>, tenant: string, items: Machine[], now: string) {
  await upsertDevices(db, tenant, items, now);
  await recordIps(db, tenant, items, now);
  await resolvePrimaries(db, tenant, [...new Set(items.map(dnsNameOf))]);
}

async function autoMode(ctx: SyncContext): Promise<'full' | 'delta'> {
  if (ctx.mode === 'delta') return 'delta';
  const full = await lastSucceededRun(ctx.store.db, ctx.tenant, 'machines', 'full');
  const age = full ? Date.now() - Date.parse(full.started_at) : Number.POSITIVE_INFINITY;
  return age > FULL_RECONCILE_INTERVAL_MS ? 'full' : 'delta';
}

function dnsNameOf(m: Machine): string {
  return (m.computerDnsName ?? '').toLowerCase();
}

function deviceRow(tenant: string, m: Machine, now: string): Insertable<DeviceTable> {
  return {
    tenant,
    id: m.id,
    computer_dns_name: m.computerDnsName ?? '',
    dns_name: dnsNameOf(m),
    os_platform: m.osPlatform ?? null,
    os_version: m.osVersion ?? null,
    version: m.version ?? null,
    os_build: m.osBuild ?? null,
    health_status: m.healthStatus ?? null,
    onboarding_status: m.onboardingStatus ?? null,
    risk_score: m.riskScore ?? null,
    exposure_level: m.exposureLevel ?? null,
    device_value: m.deviceValue ?? null,
    rbac_group_id: m.rbacGroupId ?? null,
    rbac_group_name: m.rbacGroupName ?? null,
    last_ip_address: m.lastIpAddress || null,
    last_external_ip_address: m.lastExternalIpAddress || null,
    aad_device_id: m.aadDeviceId ?? null,
    first_seen: isoMs(m.firstSeen),
    last_seen: isoMs(m.lastSeen),
    is_potential_duplication: m.isPotentialDuplication ? 1 : 0,
    merged_into_machine_id: m.mergedIntoMachineId ?? null,
    machine_tags: JSON.stringify(m.machineTags ?? []),
    is_primary: 1,
    raw: JSON.stringify(m),
    removed_at: null,
    synced_at: now,
  };
}

/** Every column a newer listing overwrites (`is_primary` is recomputed, not taken from the wire). */
const REFRESHED = [
  'computer_dns_name',
  'dns_name',
  'os_platform',
  'os_version',
  'version',
  'os_build',
  'health_status',
  'onboarding_status',
  'risk_score',
  'exposure_level',
  'device_value',
  'rbac_group_id',
  'rbac_group_name',
  'last_ip_address',
  'last_external_ip_address',
  'aad_device_id',
  'first_seen',
  'last_seen',
  'is_potential_duplication',
  'merged_into_machine_id',
  'machine_tags',
  'raw',
  'removed_at',
  'synced_at',
] as const satisfies readonly (keyof DeviceTable)[];

async function upsertDevices(db: Kysely<Database>, tenant: string, items: Machine[], now: string) {
  for (const batch of chunks(items.map((m) => deviceRow(tenant, m, now)))) {
    await db
      .insertInto('devices')
      .values(batch)
      .onConflict((oc) =>
        oc
          .columns(['tenant', 'id'])
          .doUpdateSet((eb) => Object.fromEntries(REFRESHED.map((c) => [c, eb.ref(`excluded.${c}`)]))),
      )
      .execute();
  }
}

/**
 * IP history: one row per observation window of (device, ip), dated by the device's own `lastSeen`. The
 * device's latest window is extended while it keeps the IP; a new IP opens a new window (A → B → A is
 * three rows), so "which device had this IP at time t" stays answerable after DHCP reuse.
 */
async function recordIps(db: Kysely<Database>, tenant: string, items: Machine[], now: string) {
  const observed = items.filter((m) => m.lastIpAddress);
  const latest = new Map<string, { ip: string; first_seen_at: string; last_seen_at: string }>();
  for (const batch of chunks(observed.map((m) => m.id))) {
    const rows = await db
      .selectFrom('device_ips')
      .select(['device_id', 'ip', 'first_seen_at', 'last_seen_at'])
      .where('tenant', '=', tenant)
      .where('device_id', 'in', batch)
      .execute();
    for (const r of rows) {
      const cur = latest.get(r.device_id);
      if (
        !cur ||
        r.last_seen_at > cur.last_seen_at ||
        (r.last_seen_at === cur.last_seen_at && r.first_seen_at > cur.first_seen_at)
      ) {
        latest.set(r.device_id, r);
      }
    }
  }
  const writes: {
    tenant: string;
    device_id: string;
    ip: string;
    first_seen_at: string;
    last_seen_at: string;
  }[] = [];
  for (const m of observed) {
    const at = isoMs(m.lastSeen) ?? now;
    const last = latest.get(m.id);
    if (last && at <= last.last_seen_at) continue; // nothing newer than what is recorded
    const first_seen_at = last && last.ip === m.lastIpAddress ? last.first_seen_at : at;
    writes.push({ tenant, device_id: m.id, ip: m.lastIpAddress, first_seen_at, last_seen_at: at });
  }
  for (const batch of chunks(writes)) {
    await db
      .insertInto('device_ips')
      .values(batch)
      .onConflict((oc) =>
        oc
          .columns(['tenant', 'device_id', 'ip', 'first_seen_at'])
          .doUpdateSet((eb) => ({ last_seen_at: eb.ref('excluded.last_seen_at') })),
      )
      .execute();
  }
}

async function liveDeviceCount(db: Kysely<Database>, tenant: string): Promise<number> {
  const row = await db
    .selectFrom('devices')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant', '=', tenant)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Devices a complete full listing did not return: tombstoned (never deleted), so history and ids stay. */
async function tombstoneUnseen(db: Kysely<Database>, tenant: string, listingStartedAt: string) {
  return db
    .updateTable('devices')
    .set({ removed_at: new Date().toISOString(), is_primary: 0 })
    .where('tenant', '=', tenant)
    .where('removed_at', 'is', null)
    .where('synced_at', '<', listingStartedAt)
    .returning(['id', 'computer_dns_name', 'removed_at'])
    .execute();
}

/** The devices of a page the replica has never held (not even tombstoned): one look-up per batch of ids. */
async function unknownDevices(db: Kysely<Database>, tenant: string, items: Machine[]): Promise<Machine[]> {
  const known = new Set<string>();
  for (const ids of chunks(items.map((m) => m.id))) {
    const rows = await db
      .selectFrom('devices')
      .select('id')
      .where('tenant', '=', tenant)
      .where('id', 'in', ids)
      .execute();
    for (const r of rows) known.add(r.id);
  }
  return items.filter((m) => !known.has(m.id));
}

function deviceEventData(m: Machine): Record<string, unknown> {
  return {
    name: m.computerDnsName ?? null,
    osPlatform: m.osPlatform ?? null,
    osVersion: m.osVersion ?? null,
    lastIpAddress: m.lastIpAddress || null,
    firstSeen: isoMs(m.firstSeen),
    healthStatus: m.healthStatus ?? null,
  };
}

/**
 * Re-imaged machines leave several records per DNS name (MicrosoftDocs#12717). Exactly one non-removed
 * record per name is primary: onboarded first, then not flagged `isPotentialDuplication`, then the newest
 * `lastSeen`, then the id (a stable tie-break). Removed records are never primary.
 */
export async function resolvePrimaries(db: Kysely<Database>, tenant: string, dnsNames: string[] | 'all') {
  const best = sql`(select d2.id from devices d2
      where d2.tenant = devices.tenant and d2.dns_name = devices.dns_name and d2.removed_at is null
      order by case when d2.onboarding_status = 'Onboarded' then 0 else 1 end,
               d2.is_potential_duplication, coalesce(d2.last_seen, '') desc, d2.id
      limit 1)`;
  const primary = sql<number>`case when devices.removed_at is null and devices.id = ${best} then 1 else 0 end`;
  const update = async (names?: string[]) => {
    await sql`update devices set is_primary = ${primary}
      where tenant = ${tenant} and is_primary <> ${primary}
      ${names ? sql`and dns_name in (${sql.join(names)})` : sql``}`.execute(db);
  };
  if (dnsNames === 'all') return update();
  for (const batch of chunks(dnsNames)) await update(batch);
}
