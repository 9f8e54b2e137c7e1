/**
 * Vulnerabilities: the CVE catalogue (upserted per page) and the machinesVulnerabilities export (one row per
 * device × CVE × product version), streamed page by page into the store in bulk. Every export row written
 * by a sync carries that sync's `sync_generation`; only after an export walked to its last page
 * (`state.complete`) are the tenant's rows of older generations deleted: a row no longer reported is a
 * vulnerability fixed (or a device gone). An export cut short deletes nothing.
 */
import type { Vulnerability } from '@mde-bridge/client';
import type { Insertable, Kysely } from 'kysely';
import { type Database, isoMs, type VulnerabilityTable } from '../store/schema.js';
import { excludedSet, syncCatalogue } from './catalogue-listing.js';
import { deviceVulnerabilityWriter } from './device-vulnerability-writer.js';
import { type RunCounters, recordRun } from './run-recorder.js';
import { chunks, type ResourceResult, type SyncContext } from './sync-context.js';

export async function syncVulnerabilities(ctx: SyncContext): Promise<ResourceResult> {
  return recordRun(ctx, 'vulnerabilities', 'full', async (run) => {
    await syncCatalogue(
      ctx,
      run,
      'vulnerabilities',
      'vulnerabilities',
      () => ctx.client.listVulnerabilities({ priority: 'bulk', readAhead: true }),
      (db, items, now) => upsertVulnerabilities(db, ctx.tenant, items, now),
    );
    await syncDeviceVulnerabilities(ctx, run);
  });
}

/** The export, into `device_vulnerabilities`; returns the generation its rows were written with. */
export async function syncDeviceVulnerabilities(ctx: SyncContext, run: RunCounters): Promise<number> {
  const { db } = ctx.store;
  const generation = (await currentGeneration(db, ctx.tenant)) + 1;
  const writer = deviceVulnerabilityWriter(ctx.store, ctx.tenant, generation);
  const list = ctx.client.listMachineVulnerabilityRows({ priority: 'bulk', readAhead: true });
  const callsBefore = run.apiCalls;
  for await (const page of list.byPage()) {
    run.apiCalls = callsBefore + list.state.pages;
    await writer.writePage(page.items);
    run.fetched += page.items.length;
    run.upserted += page.items.length;
    ctx.onProgress?.({ resource: 'vulnerabilities', pages: run.apiCalls, items: run.fetched });
  }
  if (!list.state.complete) throw new Error('the machinesVulnerabilities export ended before its last page');
  const result = await db
    .deleteFrom('device_vulnerabilities')
    .where('tenant', '=', ctx.tenant)
    .where('sync_generation', '<', generation)
    .executeTakeFirst();
  run.removed += Number(result.numDeletedRows);
  return generation;
}

async function currentGeneration(db: Kysely<Database>, tenant: string): Promise<number> {
  const row = await db
    .selectFrom('device_vulnerabilities')
    .select((eb) => eb.fn.max('sync_generation').as('g'))
    .where('tenant', '=', tenant)
    .executeTakeFirst();
  return Number(row?.g ?? 0);
}

function vulnerabilityRow(tenant: string, v: Vulnerability, now: string): Insertable<VulnerabilityTable> {
  return {
    tenant,
    id: v.id,
    severity: v.severity ?? null,
    cvss_v3: v.cvssV3 ?? null,
    public_exploit: v.publicExploit ? 1 : 0,
    exploit_verified: v.exploitVerified ? 1 : 0,
    exploit_in_kit: v.exploitInKit ? 1 : 0,
    description: v.description ?? null,
    published_on: isoMs(v.publishedOn),
    updated_on: isoMs(v.updatedOn),
    exposed_machines: v.exposedMachines ?? 0,
    raw: JSON.stringify(v),
    synced_at: now,
  };
}

const VULNERABILITY_REFRESHED = [
  'severity',
  'cvss_v3',
  'public_exploit',
  'exploit_verified',
  'exploit_in_kit',
  'description',
  'published_on',
  'updated_on',
  'exposed_machines',
  'raw',
  'synced_at',
] as const satisfies readonly (keyof VulnerabilityTable)[];

async function upsertVulnerabilities(
  db: Kysely<Database>,
  tenant: string,
  items: Vulnerability[],
  now: string,
) {
  for (const batch of chunks(
    items.map((v) => vulnerabilityRow(tenant, v, now)),
    200,
  )) {
    await db
      .insertInto('vulnerabilities')
      .values(batch)
      .onConflict((oc) => oc.columns(['tenant', 'id']).doUpdateSet(excludedSet(VULNERABILITY_REFRESHED)))
      .execute();
  }
}
