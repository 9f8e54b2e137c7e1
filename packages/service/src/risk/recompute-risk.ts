import { type Insertable, type Kysely, type RawBuilder, sql } from 'kysely';
import { appendEvents, type NewEvent } from '../events/append-event.js';
import { ACTIVE_ALERT } from '../hosts/host-detail.js';
import type { Database } from '../store/schema.js';
import type { DeviceRiskTable } from '../store/schema-risk.js';
import type { RiskLevel } from './device-risk.js';
import { assessRisk, CVSS_BANDS, type RiskFacts, rankOf, SEVERITY_LEVELS } from './risk-rules.js';

/** Devices per transaction: bounds memory and lock time whatever the tenant's size. */
export const RISK_BATCH = 500;

/** `case <column> when 'High' then 3 … else 0 end`: a severity's level rank (risk-rules.ts SEVERITY_LEVELS). */
function severityRank(column: RawBuilder<unknown>): RawBuilder<number> {
  const whens = Object.entries(SEVERITY_LEVELS).map(
    ([severity, level]) => sql`when ${sql.lit(severity)} then ${sql.lit(rankOf(level))}`,
  );
  return sql<number>`case ${column} ${sql.join(whens, sql` `)} else 0 end`;
}

/** A CVSS v3 score's level rank (risk-rules.ts CVSS_BANDS). */
function cvssRank(column: RawBuilder<unknown>): RawBuilder<number> {
  const whens = CVSS_BANDS.map(
    (b) => sql`when ${column} >= ${sql.lit(b.min)} then ${sql.lit(rankOf(b.level))}`,
  );
  return sql<number>`case ${sql.join(whens, sql` `)} else 0 end`;
}

interface TopVulnerabilityRow {
  device_id: string;
  cve_id: string;
  severity: string | null;
  cvss_v3: number | string | null;
  description: string | null;
  exploit: number | string;
  n: number | string;
}

/**
 * The most severe vulnerability of each device with an ID in (after, last], and how many distinct CVEs it
 * has: one set-based query over the device_vulnerabilities key range. The ranking is `vulnerabilityLevel`
 * of risk-rules.ts written in SQL (rated level, +1 with an exploit, capped), then CVSS, then CVE ID.
 */
async function topVulnerabilities(db: Kysely<Database>, tenant: string, after: string, last: string) {
  const top = rankOf('Critical');
  const { rows } = await sql<TopVulnerabilityRow>`
    with per_cve as (
      select dv.device_id, dv.cve_id, max(dv.severity) as dv_severity,
        max(${severityRank(sql.ref('dv.severity'))}) as dv_rank
      from device_vulnerabilities dv
      where dv.tenant = ${tenant} and dv.device_id > ${after} and dv.device_id <= ${last}
      group by dv.device_id, dv.cve_id
    ), rated as (
      select p.device_id, p.cve_id, coalesce(v.severity, p.dv_severity) as severity, v.cvss_v3, v.description,
        case when coalesce(v.public_exploit, 0) + coalesce(v.exploit_verified, 0) + coalesce(v.exploit_in_kit, 0) > 0
          then 1 else 0 end as exploit,
        case when v.severity is null then p.dv_rank else ${severityRank(sql.ref('v.severity'))} end as sev_rank,
        ${cvssRank(sql.ref('v.cvss_v3'))} as cvss_rank
      from per_cve p
      left join vulnerabilities v on v.tenant = ${tenant} and v.id = p.cve_id
    ), leveled as (
      select r.*,
        case when r.sev_rank = 0 and r.cvss_rank = 0 then 1
          when r.sev_rank >= r.cvss_rank then r.sev_rank else r.cvss_rank end + r.exploit as raw_rank
      from rated r
    ), ranked as (
      select l.*,
        row_number() over (
          partition by l.device_id
          order by case when l.raw_rank > ${sql.lit(top)} then ${sql.lit(top)} else l.raw_rank end desc,
            coalesce(l.cvss_v3, -1) desc, l.cve_id
        ) as rn,
        count(*) over (partition by l.device_id) as n
      from leveled l
    )
    select device_id, cve_id, severity, cvss_v3, description, exploit, n from ranked where rn = 1
  `.execute(db);
  return new Map(rows.map((r) => [r.device_id, r]));
}

interface TopAlertRow {
  machine_id: string;
  id: string;
  title: string | null;
  severity: string | null;
  high: number | string;
}

/** The most severe active alert of each device in (after, last] (newest first among equals), and its High count. */
async function topAlerts(db: Kysely<Database>, tenant: string, after: string, last: string) {
  const { rows } = await sql<TopAlertRow>`
    with ranked as (
      select a.machine_id, a.id, a.title, a.severity,
        row_number() over (
          partition by a.machine_id
          order by ${severityRank(sql.ref('a.severity'))} desc, a.last_update_time desc, a.id
        ) as rn,
        sum(case when a.severity = 'High' then 1 else 0 end) over (partition by a.machine_id) as high
      from alerts a
      where a.tenant = ${tenant} and a.machine_id > ${after} and a.machine_id <= ${last} and ${ACTIVE_ALERT}
    )
    select machine_id, id, title, severity, high from ranked where rn = 1
  `.execute(db);
  return new Map(rows.map((r) => [r.machine_id, r]));
}

/** The columns that make up a device's risk (everything but `computed_at`): a row is rewritten when one differs. */
const CONTENT = [
  'overall',
  'exposure',
  'alert',
  'reasons',
  'top_cve_id',
  'top_cve_description',
  'top_cve_cvss_v3',
  'top_cve_severity',
  'top_cve_exploit',
  'vulnerability_count',
  'top_alert_id',
  'top_alert_title',
  'top_alert_severity',
] as const;

/** Equal as stored: numbers may come back from the driver as strings or with another type. */
const same = (a: unknown, b: unknown) =>
  a === b ||
  ((typeof a === 'number' || typeof b === 'number') && a !== null && b !== null && Number(a) === Number(b));

/**
 * Recomputes the risk levels of a tenant's live devices (risk/risk-rules.ts). Devices are read in ID order,
 * RISK_BATCH at a time, and each batch commits on its own: its changed rows, a history row for each change
 * of a level (the first computation included), and a `risk.changed` event for each change of a previously
 * computed overall level. An unchanged row is not written at all (its `computed_at` stays the time its values
 * were computed): at 100,000 devices and a recompute after every alerts sync, rewriting every row would be
 * most of the work. Rows of devices no longer live are dropped (their history stays).
 */
export async function recomputeRisk(
  db: Kysely<Database>,
  tenant: string,
  now: Date = new Date(),
): Promise<void> {
  const at = now.toISOString();
  let after = '';
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      const devices = await trx
        .selectFrom('devices')
        .select(['id', 'computer_dns_name', 'risk_score', 'exposure_level', 'last_seen', 'health_status'])
        .where('tenant', '=', tenant)
        .where('removed_at', 'is', null)
        .where('id', '>', after)
        .orderBy('id')
        .limit(RISK_BATCH)
        .execute();
      if (devices.length === 0) {
        await dropNotLive(trx, tenant, after, null, []);
        return true;
      }
      const last = devices[devices.length - 1].id;
      await dropNotLive(
        trx,
        tenant,
        after,
        last,
        devices.map((d) => d.id),
      );
      const vulnerabilities = await topVulnerabilities(trx, tenant, after, last);
      const alerts = await topAlerts(trx, tenant, after, last);
      const stored = new Map(
        (
          await trx
            .selectFrom('device_risk')
            .selectAll()
            .where('tenant', '=', tenant)
            .where('device_id', '>', after)
            .where('device_id', '<=', last)
            .execute()
        ).map((row) => [row.device_id, row]),
      );

      const changed: Insertable<DeviceRiskTable>[] = [];
      const history: Insertable<Database['risk_history']>[] = [];
      const events: NewEvent[] = [];
      for (const device of devices) {
        const v = vulnerabilities.get(device.id);
        const a = alerts.get(device.id);
        const facts: RiskFacts = {
          topVulnerability: v
            ? {
                cveId: v.cve_id,
                description: v.description,
                cvssV3: v.cvss_v3 === null ? null : Number(v.cvss_v3),
                severity: v.severity,
                exploitAvailable: Number(v.exploit) === 1,
              }
            : null,
          vulnerabilityCount: v ? Number(v.n) : 0,
          topAlert: a ? { id: a.id, title: a.title, severity: a.severity } : null,
          activeHighAlerts: a ? Number(a.high) : 0,
          riskScore: device.risk_score,
          exposureLevel: device.exposure_level,
          lastSeen: device.last_seen,
          healthStatus: device.health_status,
        };
        const risk = assessRisk(facts, now);
        const row: Insertable<DeviceRiskTable> = {
          tenant,
          device_id: device.id,
          overall: risk.overall,
          exposure: risk.exposure,
          alert: risk.alert,
          reasons: JSON.stringify(risk.reasons),
          top_cve_id: facts.topVulnerability?.cveId ?? null,
          top_cve_description: facts.topVulnerability?.description ?? null,
          top_cve_cvss_v3: facts.topVulnerability?.cvssV3 ?? null,
          top_cve_severity: facts.topVulnerability?.severity ?? null,
          top_cve_exploit: facts.topVulnerability?.exploitAvailable ? 1 : 0,
          vulnerability_count: facts.vulnerabilityCount,
          top_alert_id: facts.topAlert?.id ?? null,
          top_alert_title: facts.topAlert?.title ?? null,
          top_alert_severity: facts.topAlert?.severity ?? null,
          computed_at: at,
        };
        const before = stored.get(device.id);
        if (before && CONTENT.every((column) => same(before[column], row[column]))) continue;
        changed.push(row);
        if (
          !before ||
          before.overall !== risk.overall ||
          before.exposure !== risk.exposure ||
          before.alert !== risk.alert
        ) {
          history.push({ tenant, device_id: device.id, at, ...levelsOf(risk) });
        }
        if (before && before.overall !== risk.overall) {
          events.push({
            tenant,
            type: 'risk.changed',
            subject: device.id,
            data: {
              machineId: device.id,
              name: device.computer_dns_name,
              previous: levelsOf(before),
              current: levelsOf(risk),
              reasons: risk.reasons,
            },
          });
        }
      }

      for (let i = 0; i < changed.length; i += 100) {
        await trx
          .insertInto('device_risk')
          .values(changed.slice(i, i + 100))
          .onConflict((oc) =>
            oc.columns(['tenant', 'device_id']).doUpdateSet((eb) => ({
              ...Object.fromEntries(CONTENT.map((column) => [column, eb.ref(`excluded.${column}`)])),
              computed_at: eb.ref('excluded.computed_at'),
            })),
          )
          .execute();
      }
      for (let i = 0; i < history.length; i += 500) {
        await trx
          .insertInto('risk_history')
          .values(history.slice(i, i + 500))
          .execute();
      }
      await appendEvents(trx, events, now);
      after = last;
      if (devices.length < RISK_BATCH) await dropNotLive(trx, tenant, after, null, []);
      return devices.length < RISK_BATCH;
    });
    if (done) break;
  }
}

/**
 * Drops the rows of devices no longer live in the key range (after, last] (last null: to the end) — by key
 * range, so the cost grows with the batch, not with the tenant.
 */
async function dropNotLive(
  db: Kysely<Database>,
  tenant: string,
  after: string,
  last: string | null,
  live: string[],
): Promise<void> {
  let query = db.deleteFrom('device_risk').where('tenant', '=', tenant).where('device_id', '>', after);
  if (last !== null) query = query.where('device_id', '<=', last);
  if (live.length > 0) query = query.where('device_id', 'not in', live);
  await query.execute();
}

function levelsOf(levels: { overall: string; exposure: string; alert: string }) {
  return {
    overall: levels.overall as RiskLevel,
    exposure: levels.exposure as RiskLevel,
    alert: levels.alert as RiskLevel,
  };
}
