/**
 * Schemas of the tenant and sync routes (CONTRACT.md "Tenants and sync"). The Tenant response lists every
 * field it may carry, so serialisation drops anything else: a secret or key cannot leak even if selected.
 */
import { Type } from 'typebox';
import { type Resource, Resources } from '../../../sync/sync-context.js';

const closed = { additionalProperties: false } as const;
const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableUrl = Type.Union([Type.String({ maxLength: 2048 }), Type.Null()]);
const JsonObject = Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true });

/** A tenant's id (UUID) or its name: the same characters a name may use. */
export const TenantParams = Type.Object(
  { id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }) },
  closed,
);

const tenantFields = {
  name: Type.String({ minLength: 1, maxLength: 64 }),
  tenantId: Type.String({ minLength: 1, maxLength: 64 }),
  clientId: Type.String({ minLength: 1, maxLength: 64 }),
  clientSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  certificatePem: Type.Optional(Type.String({ minLength: 1, maxLength: 65536 })),
  privateKeyPem: Type.Optional(Type.String({ minLength: 1, maxLength: 65536 })),
  cloud: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  apiUrl: Type.Optional(NullableUrl),
  loginUrl: Type.Optional(NullableUrl),
  graphUrl: Type.Optional(NullableUrl),
  proxy: Type.Optional(NullableUrl),
  enabled: Type.Optional(Type.Boolean()),
  settings: Type.Optional(JsonObject),
  /** false saves without testing the connection first. */
  validate: Type.Optional(Type.Boolean()),
};

export const TenantInput = Type.Object(tenantFields, closed);

export const TenantPatchInput = Type.Object(
  {
    name: Type.Optional(tenantFields.name),
    tenantId: Type.Optional(tenantFields.tenantId),
    clientId: Type.Optional(tenantFields.clientId),
    clientSecret: tenantFields.clientSecret,
    certificatePem: tenantFields.certificatePem,
    privateKeyPem: tenantFields.privateKeyPem,
    cloud: tenantFields.cloud,
    apiUrl: tenantFields.apiUrl,
    loginUrl: tenantFields.loginUrl,
    graphUrl: tenantFields.graphUrl,
    proxy: tenantFields.proxy,
    enabled: tenantFields.enabled,
    settings: tenantFields.settings,
    validate: tenantFields.validate,
  },
  { ...closed, minProperties: 1 },
);

export const TenantSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    tenantId: Type.String(),
    clientId: Type.String(),
    cloud: Type.String(),
    apiUrl: NullableString,
    loginUrl: NullableString,
    graphUrl: NullableString,
    proxy: NullableString,
    credentialKind: Type.Union([Type.Literal('secret'), Type.Literal('certificate')]),
    credential: Type.String(),
    enabled: Type.Boolean(),
    isDemo: Type.Boolean(),
    settings: JsonObject,
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  closed,
);

/** As `mde-bridge test-connection --json` prints it. */
export const TestConnectionResultSchema = Type.Object(
  {
    ok: Type.Boolean(),
    steps: Type.Array(
      Type.Object(
        { name: Type.String(), ok: Type.Boolean(), detail: Type.String(), required: Type.Boolean() },
        closed,
      ),
    ),
    permissions: Type.Record(Type.String(), Type.Boolean()),
    features: Type.Record(
      Type.String(),
      Type.Object(
        { enabled: Type.Boolean(), anyOf: Type.Array(Type.String()), reason: Type.Optional(Type.String()) },
        closed,
      ),
    ),
    latencyMs: Type.Optional(Type.Number()),
    clockSkewSeconds: Type.Optional(Type.Number()),
  },
  closed,
);

const ResourceSchema = Type.Unsafe<Resource>({ type: 'string', enum: [...Resources] });

export const SyncTriggerInput = Type.Object(
  {
    only: Type.Optional(Type.Array(ResourceSchema, { minItems: 1, uniqueItems: true })),
    mode: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('delta'), Type.Literal('auto')])),
  },
  closed,
);

export const SyncAcceptedSchema = Type.Object({ accepted: Type.Array(ResourceSchema) }, closed);

const RunStatus = Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')]);
const RunMode = Type.Union([Type.Literal('full'), Type.Literal('delta')]);

const RunSummarySchema = Type.Object(
  {
    mode: RunMode,
    status: RunStatus,
    startedAt: Type.String(),
    finishedAt: NullableString,
    fetched: Type.Integer(),
    upserted: Type.Integer(),
    removed: Type.Integer(),
    apiCalls: Type.Integer(),
    throttledMs: Type.Integer(),
    error: NullableString,
  },
  closed,
);

export const SyncStatusQuery = Type.Object({ tenant: Type.Optional(TenantParams.properties.id) }, closed);

export const SyncStatusSchema = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          tenantId: Type.String(),
          tenantName: Type.String(),
          enabled: Type.Boolean(),
          isDemo: Type.Boolean(),
          resources: Type.Array(
            Type.Object(
              {
                resource: ResourceSchema,
                intervalMs: Type.Number(),
                enabled: Type.Boolean(),
                nextRunAt: NullableString,
                lastRun: Type.Union([RunSummarySchema, Type.Null()]),
                running: Type.Union([
                  Type.Object(
                    { startedAt: Type.String(), pages: Type.Integer(), items: Type.Integer() },
                    closed,
                  ),
                  Type.Null(),
                ]),
              },
              closed,
            ),
          ),
        },
        closed,
      ),
    ),
  },
  closed,
);

export const SyncRunsQuery = Type.Object(
  {
    tenant: Type.Optional(TenantParams.properties.id),
    resource: Type.Optional(ResourceSchema),
    status: Type.Optional(RunStatus),
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  closed,
);

export const SyncRunSchema = Type.Object(
  {
    id: Type.String(),
    tenantId: Type.String(),
    tenantName: Type.String(),
    resource: Type.String(),
    mode: RunMode,
    status: RunStatus,
    startedAt: Type.String(),
    finishedAt: NullableString,
    fetched: Type.Integer(),
    upserted: Type.Integer(),
    removed: Type.Integer(),
    apiCalls: Type.Integer(),
    throttledMs: Type.Integer(),
    error: NullableString,
  },
  closed,
);
