/** Software inventory and security recommendations: two catalogue listings, upserted per page. */
import type { Recommendation, Software } from '@mde-bridge/client';
import type { Insertable, Kysely } from 'kysely';
import type { Database, RecommendationTable, SoftwareTable } from '../store/schema.js';
import { excludedSet, syncCatalogue } from './catalogue-listing.js';
import { recordRun } from './run-recorder.js';
import { chunks, type ResourceResult, type SyncContext } from './sync-context.js';

export async function syncSoftware(ctx: SyncContext): Promise<ResourceResult> {
  return recordRun(ctx, 'software', 'full', async (run) => {
    await syncCatalogue(
      ctx,
      run,
      'software',
      'software',
      () => ctx.client.listSoftware({ priority: 'bulk', readAhead: true }),
      (db, items, now) => upsertSoftware(db, ctx.tenant, items, now),
    );
    await syncCatalogue(
      ctx,
      run,
      'software',
      'recommendations',
      () => ctx.client.listRecommendations({ priority: 'bulk', readAhead: true }),
      (db, items, now) => upsertRecommendations(db, ctx.tenant, items, now),
    );
  });
}

const SOFTWARE_REFRESHED = [
  'name',
  'vendor',
  'weaknesses',
  'public_exploit',
  'exposed_machines',
  'raw',
  'synced_at',
] as const satisfies readonly (keyof SoftwareTable)[];

async function upsertSoftware(db: Kysely<Database>, tenant: string, items: Software[], now: string) {
  const rows = items.map(
    (s): Insertable<SoftwareTable> => ({
      tenant,
      id: s.id,
      name: s.name,
      vendor: s.vendor,
      weaknesses: s.weaknesses ?? 0,
      public_exploit: s.publicExploit ? 1 : 0,
      exposed_machines: s.exposedMachines ?? 0,
      raw: JSON.stringify(s),
      synced_at: now,
    }),
  );
  for (const batch of chunks(rows, 300)) {
    await db
      .insertInto('software')
      .values(batch)
      .onConflict((oc) => oc.columns(['tenant', 'id']).doUpdateSet(excludedSet(SOFTWARE_REFRESHED)))
      .execute();
  }
}

const RECOMMENDATION_REFRESHED = [
  'name',
  'product_name',
  'vendor',
  'category',
  'severity_score',
  'status',
  'exposed_machines',
  'raw',
  'synced_at',
] as const satisfies readonly (keyof RecommendationTable)[];

async function upsertRecommendations(
  db: Kysely<Database>,
  tenant: string,
  items: Recommendation[],
  now: string,
) {
  const rows = items.map(
    (r): Insertable<RecommendationTable> => ({
      tenant,
      id: r.id,
      name: r.recommendationName ?? null,
      product_name: r.productName ?? null,
      vendor: r.vendor ?? null,
      category: r.recommendationCategory ?? null,
      severity_score: r.severityScore ?? null,
      status: r.status ?? null,
      exposed_machines: r.exposedMachinesCount ?? 0,
      raw: JSON.stringify(r),
      synced_at: now,
    }),
  );
  for (const batch of chunks(rows, 200)) {
    await db
      .insertInto('recommendations')
      .values(batch)
      .onConflict((oc) => oc.columns(['tenant', 'id']).doUpdateSet(excludedSet(RECOMMENDATION_REFRESHED)))
      .execute();
  }
}
