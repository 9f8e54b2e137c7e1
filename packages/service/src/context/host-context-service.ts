import type { DefenderClient } from '@mde-bridge/client';
import type { Kysely } from 'kysely';
import type { DeviceGroups } from '../hosts/device-scope.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { storeMachines } from '../sync/machines-sync.js';
import { tenantClientCache } from '../tenants/tenant-client-cache.js';
import { findEndpoint, recordEndpoint } from './endpoints.js';
import { buildHostContext, type HostContext } from './host-context.js';
import { type HostMatch, matchDeviceIds, matchHost } from './match-host.js';
import type { ObservedHost } from './observed-host.js';

/** What host context needs of a tenant's Defender client. */
export type LookupClient = Pick<DefenderClient, 'getMachine' | 'findMachinesByIp'>;
/** Opens the client of a tenant (tenants.id). */
export type LookupClientFactory = (tenant: string) => Promise<LookupClient>;

/** A device's data is re-read from Defender when older than this, unless `settings.context.maxAgeSeconds`. */
export const DEFAULT_MAX_AGE_SECONDS = 3600;
/** Defender's findbyip looks at most 30 days back. */
const FIND_BY_IP_MAX_AGE_MS = 30 * 24 * 60 * 60_000;

export interface HostContextServiceOptions {
  store: Store;
  now?: () => Date;
  /** Default: `openTenantClient` with `env` and `fetch`, cached per tenant, one governor per tenant. */
  openClient?: LookupClientFactory;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
}

export interface HostSession {
  host: ObservedHost;
  source?: string;
  groups: DeviceGroups;
}

/**
 * Host context (C5): answers a host session at once from the replica, re-reading the matched device from
 * Defender when its row is stale (at look-up priority, one call in flight per device however many sessions
 * ask), and falling back to Defender's findbyip when the replica knows no device for the IP.
 */
export class HostContextService {
  private readonly now: () => Date;
  private readonly openClient: LookupClientFactory;
  private readonly refreshes = new Map<string, Promise<boolean>>();
  private readonly recording = new Map<string, Promise<void>>();

  constructor(private readonly options: HostContextServiceOptions) {
    this.now = options.now ?? (() => new Date());
    this.openClient = options.openClient ?? tenantClientCache(options);
  }

  /** Read-only: the context of a host, or null when nothing matches and no endpoint was recorded for it. */
  async lookup(observed: ObservedHost, groups: DeviceGroups): Promise<HostContext | null> {
    const { db, caps } = this.options.store;
    const host = await withConfiguredNames(db, observed);
    const match = await matchHost(db, host, { groups: null, now: this.now(), caps });
    const endpoint = await findEndpoint(db, host, match.status === 'matched' ? match.device : null);
    const visible = groups === null ? match : await this.visibleMatch(match, groups);
    // A caller limited to device groups sees no unmanaged endpoint (it is in no group).
    if (visible.status === 'unmanaged' && (!endpoint || groups !== null)) return null;
    return buildHostContext(db, visible, visible.status === match.status ? endpoint : null);
  }

  /** A host session: match (findbyip as the fallback), refresh a stale device, record the endpoint, answer. */
  async session({ host: observed, source, groups }: HostSession): Promise<HostContext> {
    const { db, caps } = this.options.store;
    const host = await withConfiguredNames(db, observed);
    // The endpoint records what the host is, whoever reported it; the answer shows only what the caller
    // may see (a device outside its groups answers as if the replica did not know it).
    let match = await matchHost(db, host, { groups: null, now: this.now(), caps });
    if (match.status === 'unmanaged' && host.ip !== undefined) match = (await this.findByIp(host)) ?? match;
    let refreshed = false;
    if (match.status === 'matched')
      refreshed = await this.refreshIfStale(match.device.tenant, match.device.machineId);
    const key =
      match.status === 'matched'
        ? `device\n${match.device.tenant}\n${match.device.machineId}`
        : `host\n${host.hostname ?? ''}\n${host.ip ?? ''}`;
    const endpoint = await this.oneAtATime(key, () => recordEndpoint(db, host, match, source, this.now()));
    if (groups === null) return buildHostContext(db, match, endpoint, refreshed);
    const visible = await this.visibleMatch(match, groups);
    const same = visible.status === match.status;
    return buildHostContext(db, visible, same ? endpoint : null, same && refreshed);
  }

  /**
   * The part of a match a caller limited to device groups may see: an ambiguous match stays ambiguous with
   * the candidates it may see (one visible candidate is no more certain than several).
   */
  private async visibleMatch(match: HostMatch, groups: DeviceGroups): Promise<HostMatch> {
    if (match.status === 'unmanaged') return match;
    const devices = match.status === 'matched' ? [match.device] : match.candidates;
    const keys = devices.map((d) => ({ tenant: d.tenant, id: d.machineId }));
    const visible = await matchDeviceIds(this.options.store.db, keys, match.by, groups);
    if (!visible) return { status: 'unmanaged', by: null };
    if (match.status === 'matched' || visible.status === 'ambiguous') return visible;
    return visible.status === 'matched'
      ? { status: 'ambiguous', by: match.by, candidates: [visible.device] }
      : visible;
  }

  /**
   * Runs `task` after the previous task of `key` has settled: concurrent sessions of one host update one
   * endpoint row instead of each adding its own (in this process; a second process may still add one).
   */
  private oneAtATime<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.recording.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.recording.set(key, settled);
    void settled.then(() => {
      if (this.recording.get(key) === settled) this.recording.delete(key);
    });
    return run;
  }

  /** Re-reads a device whose row is older than its tenant's maximum age; true when it was re-read. */
  async refreshIfStale(tenant: string, machineId: string): Promise<boolean> {
    const { db } = this.options.store;
    const row = await db
      .selectFrom('devices as d')
      .innerJoin('tenants as t', 't.id', 'd.tenant')
      .select(['d.synced_at', 't.settings'])
      .where('d.tenant', '=', tenant)
      .where('d.id', '=', machineId)
      .executeTakeFirst();
    if (!row) return false;
    const maxAgeMs = maxAgeSeconds(row.settings) * 1000;
    if (Date.parse(row.synced_at) >= this.now().getTime() - maxAgeMs) return false;
    return this.refresh(tenant, machineId);
  }

  /** One Defender read per device at a time: concurrent sessions of one device share it. */
  private refresh(tenant: string, machineId: string): Promise<boolean> {
    const key = `${tenant}\n${machineId}`;
    let pending = this.refreshes.get(key);
    if (!pending) {
      pending = (async () => {
        const client = await this.openClient(tenant);
        const machine = await client.getMachine(machineId, { priority: 'lookup' });
        await this.options.store.db
          .transaction()
          .execute((trx) => storeMachines(trx, tenant, [machine], this.now().toISOString()));
        return true;
      })()
        // A failed refresh answers from the replica: the context is late, not lost.
        .catch(() => false)
        .finally(() => this.refreshes.delete(key));
      this.refreshes.set(key, pending);
    }
    return pending;
  }

  /** Defender's findbyip over the enabled tenants; the devices it names are stored, then matched. */
  private async findByIp(host: ObservedHost): Promise<HostMatch | null> {
    const at = host.at ?? this.now();
    if (host.ip === undefined || at.getTime() < this.now().getTime() - FIND_BY_IP_MAX_AGE_MS) return null;
    const { db } = this.options.store;
    const tenants = await db
      .selectFrom('tenants')
      .select('id')
      .where('enabled', '=', 1)
      .orderBy('name')
      .execute();
    const found: { tenant: string; id: string }[] = [];
    for (const { id: tenant } of tenants) {
      try {
        const client = await this.openClient(tenant);
        const machines = await client.findMachinesByIp(host.ip, at, { priority: 'lookup' });
        if (machines.length === 0) continue;
        await db
          .transaction()
          .execute((trx) => storeMachines(trx, tenant, machines, this.now().toISOString()));
        found.push(...machines.map((m) => ({ tenant, id: m.id })));
      } catch {
        // A tenant that cannot answer (down, no permission) leaves the others' answers standing.
      }
    }
    return matchDeviceIds(db, found, 'findByIp', null);
  }
}

/**
 * The host with the alternate names configured for its name before (by earlier sessions): a cluster name or
 * an alias reported once keeps matching its device.
 */
async function withConfiguredNames(db: Kysely<Database>, host: ObservedHost): Promise<ObservedHost> {
  if (host.hostname === undefined) return host;
  const rows = await db
    .selectFrom('endpoints')
    .select('alternate_names')
    .where('hostname', '=', host.hostname)
    .execute();
  const names = new Set(host.alternateNames);
  for (const row of rows) for (const name of JSON.parse(row.alternate_names) as string[]) names.add(name);
  names.delete(host.hostname);
  return names.size === host.alternateNames.length ? host : { ...host, alternateNames: [...names] };
}

/** `settings.context.maxAgeSeconds` of a tenant's settings JSON, or the default. */
export function maxAgeSeconds(settings: string): number {
  try {
    const value = (JSON.parse(settings) as { context?: { maxAgeSeconds?: unknown } }).context?.maxAgeSeconds;
    return typeof value === 'number' && Number.isFinite(value) && value >= 0
      ? value
      : DEFAULT_MAX_AGE_SECONDS;
  } catch {
    return DEFAULT_MAX_AGE_SECONDS;
  }
}
