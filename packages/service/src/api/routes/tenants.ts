import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { type Static, Type } from 'typebox';
import type { AuditEntryInput } from '../../audit/audit-entry.js';
import { appendAudit } from '../../audit/audit-log.js';
import { huntingSettingsProblem } from '../../hunting/hunting-settings.js';
import { resolveSchedules, ScheduleSettingsError } from '../../jobs/schedule-settings.js';
import { onTenantDisabled, onTenantEnabled } from '../../profiles/profile-endpoints.js';
import { secretBox } from '../../secrets/secret-box.js';
import type { Database } from '../../store/schema.js';
import { type ConnectionReportJson, testTenantSettings } from '../../tenants/tenant-connection-test.js';
import {
  addTenant,
  type CheckedTenant,
  checkNewTenant,
  listTenants,
  type NewTenant,
  removeTenant,
  setEnabled,
  type TenantCredential,
  TenantExistsError,
  type TenantView,
  toView,
} from '../../tenants/tenant-repository.js';
import { findTenantRow, patchedTenant, storedCredential, updateTenant } from '../../tenants/tenant-update.js';
import { ApiError, badRequest } from '../errors.js';
import type { Api, AppDeps } from '../types.js';
import {
  TenantInput,
  TenantParams,
  TenantPatchInput,
  TenantSchema,
  TestConnectionResultSchema,
} from './schemas/tenants.js';

/** Fields whose change means the connection must be tested again before the save. */
const CONNECTION_FIELDS = [
  'tenantId',
  'clientId',
  'clientSecret',
  'certificatePem',
  'privateKeyPem',
  'cloud',
  'apiUrl',
  'loginUrl',
  'graphUrl',
  'proxy',
] as const;

/**
 * Tenants: list, show, add and edit (tested against Defender before anything is saved), enable, disable,
 * remove, test. Credentials go in and never come out; every change is audited in the same transaction.
 */
export function tenantsRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.store;
  const box = secretBox(deps.env ?? process.env);
  const now = () => deps.now?.() ?? new Date();
  const test = (tenant: CheckedTenant) => testTenantSettings(tenant, deps.fetch ? { fetch: deps.fetch } : {});
  const audit = (
    request: FastifyRequest,
    trx: Kysely<Database>,
    entry: Omit<AuditEntryInput, 'actorKind' | 'actor'>,
  ) => appendAudit(trx, { ...actorOf(request), ip: request.ip, ...entry }, now());
  const tags = ['tenants'];
  // The scheduler re-reads tenants on its own every few seconds; asking now makes a change take effect at
  // once. The change is committed either way, so a failed refresh is logged, not reported as a failed save.
  const reschedule = async (request: FastifyRequest) => {
    try {
      await deps.sync.refresh?.();
    } catch (err) {
      request.log.warn({ err }, 'the sync scheduler did not re-read the tenants');
    }
  };

  api.get(
    '/tenants',
    {
      schema: { tags, response: { 200: Type.Object({ items: Type.Array(TenantSchema) }) } },
      config: { access: 'config.view' },
    },
    async () => ({ items: (await listTenants(db)).map(toTenant) }),
  );

  api.get(
    '/tenants/:id',
    {
      schema: { tags, params: TenantParams, response: { 200: TenantSchema } },
      config: { access: 'config.view' },
    },
    async (request) => toTenant(toView(await findTenantRow(db, request.params.id))),
  );

  api.post(
    '/tenants',
    {
      schema: { tags, body: TenantInput, response: { 201: TenantSchema } },
      config: { access: 'config.edit' },
    },
    async (request, reply) => {
      const { validate, ...input } = request.body;
      const tenant = newTenantOf(input);
      const checked = checkNewTenant(tenant);
      checkSettings(input.settings);
      const clash = await db
        .selectFrom('tenants')
        .select('id')
        .where('name', '=', checked.name)
        .executeTakeFirst();
      if (clash) throw new TenantExistsError(`a tenant named '${checked.name}' already exists`);
      if (validate !== false) {
        await refuseFailedConnection(await test(checked), (report) =>
          audit(request, db, {
            action: 'tenant.created',
            target: checked.name,
            outcome: 'failure',
            detail: { reason: 'connection_failed', failedStep: failedStep(report)?.name ?? null },
          }),
        );
      }
      const view = await db.transaction().execute(async (trx) => {
        const created = await addTenant(trx, box, tenant, now());
        await audit(request, trx, {
          action: 'tenant.created',
          target: created.name,
          detail: { id: created.id, ...describe(created), validated: validate !== false },
        });
        return created;
      });
      await reschedule(request);
      return reply.status(201).send(toTenant(view));
    },
  );

  api.patch(
    '/tenants/:id',
    {
      schema: { tags, params: TenantParams, body: TenantPatchInput, response: { 200: TenantSchema } },
      config: { access: 'config.edit' },
    },
    async (request) => {
      const { validate, clientSecret, certificatePem, privateKeyPem, ...rest } = request.body;
      const credential = credentialOf({ clientSecret, certificatePem, privateKeyPem }, false);
      const row = await findTenantRow(db, request.params.id);
      const next = patchedTenant(row, credential ?? storedCredential(row, box), {
        ...rest,
        credential,
      });
      const checked = checkNewTenant(next);
      checkSettings(rest.settings);
      // Renaming, switching off or re-tuning a tenant does not need Defender to answer; new connection settings do.
      const touchesConnection = CONNECTION_FIELDS.some((field) => request.body[field] !== undefined);
      if (validate !== false && touchesConnection) {
        await refuseFailedConnection(await test(checked), (report) =>
          audit(request, db, {
            action: 'tenant.updated',
            target: row.name,
            outcome: 'failure',
            detail: { id: row.id, reason: 'connection_failed', failedStep: failedStep(report)?.name ?? null },
          }),
        );
      }
      const { tenant } = await db.transaction().execute(async (trx) => {
        const result = await updateTenant(
          trx,
          box,
          row,
          checked,
          { enabled: rest.enabled, settings: rest.settings, credentialChanged: credential !== undefined },
          now(),
        );
        if (rest.enabled !== undefined && rest.enabled !== (Number(row.enabled) === 1)) {
          await (rest.enabled ? onTenantEnabled : onTenantDisabled)(trx, row.id, now());
        }
        await audit(request, trx, {
          action: 'tenant.updated',
          target: result.tenant.name,
          detail: { id: row.id, changed: result.changed, validated: validate !== false && touchesConnection },
        });
        return result;
      });
      await reschedule(request);
      return toTenant(tenant);
    },
  );

  api.delete(
    '/tenants/:id',
    { schema: { tags, params: TenantParams }, config: { access: 'config.edit' } },
    async (request, reply) => {
      const row = await findTenantRow(db, request.params.id);
      await removeTenant(db, row.name, (trx, tenant) =>
        audit(request, trx, { action: 'tenant.deleted', target: tenant.name, detail: { id: tenant.id } }),
      );
      await reschedule(request);
      return reply.status(204).send();
    },
  );

  for (const enabled of [true, false]) {
    api.post(
      `/tenants/:id/${enabled ? 'enable' : 'disable'}`,
      {
        schema: { tags, params: TenantParams, response: { 200: TenantSchema } },
        config: { access: 'config.edit' },
      },
      async (request) => {
        const view = await db.transaction().execute(async (trx) => {
          const row = await findTenantRow(trx, request.params.id);
          const updated = await setEnabled(trx, row.name, enabled, now());
          // C7: off deletes the tenant's dynamic profiles and re-profiles its devices by the standard rules.
          await (enabled ? onTenantEnabled : onTenantDisabled)(trx, row.id, now());
          await audit(request, trx, {
            action: enabled ? 'tenant.enabled' : 'tenant.disabled',
            target: row.name,
            detail: { id: row.id, was: Number(row.enabled) === 1 },
          });
          return updated;
        });
        await reschedule(request);
        return toTenant(view);
      },
    );
  }

  api.post(
    '/tenants/test-connection',
    {
      schema: { tags, body: TenantInput, response: { 200: TestConnectionResultSchema } },
      config: { access: 'config.edit' },
    },
    async (request) => {
      const { validate: _, ...input } = request.body;
      const checked = checkNewTenant(newTenantOf(input));
      const report = await test(checked);
      await audit(request, db, testedEntry(checked.name, report, { saved: false }));
      return report;
    },
  );

  api.post(
    '/tenants/:id/test-connection',
    {
      schema: { tags, params: TenantParams, response: { 200: TestConnectionResultSchema } },
      config: { access: 'config.view' },
    },
    async (request) => {
      const row = await findTenantRow(db, request.params.id);
      const report = await test(checkNewTenant(patchedTenant(row, storedCredential(row, box), {})));
      await audit(request, db, testedEntry(row.name, report, { id: row.id, saved: true }));
      return report;
    },
  );
}

type TenantBody = Omit<Static<typeof TenantInput>, 'validate'>;

function actorOf(request: FastifyRequest): Pick<AuditEntryInput, 'actorKind' | 'actor'> {
  const principal = request.principal;
  return principal
    ? { actorKind: principal.kind, actor: principal.name }
    : { actorKind: 'system', actor: 'system' };
}

/** Exactly one credential kind; a private key only with its certificate. */
function credentialOf(
  body: Pick<TenantBody, 'clientSecret' | 'certificatePem' | 'privateKeyPem'>,
  required: boolean,
): TenantCredential | undefined {
  if (body.clientSecret !== undefined && body.certificatePem !== undefined) {
    throw badRequest('give either clientSecret or certificatePem, not both', 'body.certificatePem');
  }
  if (body.privateKeyPem !== undefined && body.certificatePem === undefined) {
    throw badRequest('privateKeyPem goes with certificatePem', 'body.privateKeyPem');
  }
  if (body.clientSecret !== undefined) return { clientSecret: body.clientSecret };
  if (body.certificatePem !== undefined) {
    return { certificatePem: body.certificatePem, privateKeyPem: body.privateKeyPem };
  }
  if (required) throw badRequest('a tenant needs a clientSecret or a certificatePem', 'body.clientSecret');
  return undefined;
}

function newTenantOf(body: TenantBody): NewTenant {
  const credential = credentialOf(body, true) as TenantCredential;
  return {
    name: body.name,
    tenantId: body.tenantId,
    clientId: body.clientId,
    credential,
    cloud: body.cloud,
    apiUrl: body.apiUrl ?? undefined,
    loginUrl: body.loginUrl ?? undefined,
    graphUrl: body.graphUrl ?? undefined,
    proxy: body.proxy ?? undefined,
    enabled: body.enabled,
    settings: body.settings,
  };
}

/** Settings the scheduler could not follow are refused here, naming the field, rather than ignored later. */
function checkSettings(settings: Record<string, unknown> | undefined): void {
  if (settings === undefined) return;
  try {
    resolveSchedules(settings);
  } catch (err) {
    if (err instanceof ScheduleSettingsError) throw badRequest(err.message, `body.settings.${err.field}`);
    throw err;
  }
  const hunting = huntingSettingsProblem(settings);
  if (hunting)
    throw badRequest(`settings.${hunting.field} ${hunting.reason}`, `body.settings.${hunting.field}`);
}

/** The step that made the test fail (informational steps such as the licence probe do not). */
function failedStep(report: ConnectionReportJson) {
  return report.steps.find((s) => !s.ok && s.required);
}

/** A failed test refuses the save: 422 with the whole report, after `record` has audited the refusal. */
async function refuseFailedConnection(
  report: ConnectionReportJson,
  record: (report: ConnectionReportJson) => Promise<void>,
): Promise<void> {
  if (report.ok) return;
  await record(report);
  const step = failedStep(report);
  throw new ApiError(
    422,
    'connection_failed',
    step
      ? `the connection test failed at '${step.name}': ${step.detail}; nothing was saved (send validate: false to save anyway)`
      : 'the connection test failed; nothing was saved (send validate: false to save anyway)',
    { testConnection: report },
  );
}

function testedEntry(
  target: string,
  report: ConnectionReportJson,
  extra: Record<string, unknown>,
): Omit<AuditEntryInput, 'actorKind' | 'actor'> {
  return {
    action: 'tenant.tested',
    target,
    outcome: report.ok ? 'success' : 'failure',
    detail: { ...extra, ok: report.ok, failedStep: failedStep(report)?.name ?? null },
  };
}

/** What an audit record says about a tenant: settings, never the credential. */
function describe(view: TenantView): Record<string, unknown> {
  return {
    tenantId: view.tenant_id,
    clientId: view.client_id,
    cloud: view.cloud,
    apiUrl: view.api_url,
    credentialKind: view.credential_kind,
    enabled: view.enabled,
  };
}

/** CONTRACT.md Tenant. */
export function toTenant(view: TenantView): Static<typeof TenantSchema> {
  return {
    id: view.id,
    name: view.name,
    tenantId: view.tenant_id,
    clientId: view.client_id,
    cloud: view.cloud,
    apiUrl: view.api_url,
    loginUrl: view.login_url,
    graphUrl: view.graph_url,
    proxy: view.proxy,
    credentialKind: view.credential_kind,
    credential: view.credential,
    enabled: view.enabled,
    isDemo: view.is_demo,
    settings: view.settings,
    createdAt: view.created_at,
    updatedAt: view.updated_at,
  };
}
