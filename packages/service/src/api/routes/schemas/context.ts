/** Schemas of the host-context routes (CONTRACT.md "Host context, risk, profiles, webhooks"). */
import { Type } from 'typebox';

const closed = { additionalProperties: false } as const;
const NullableString = Type.Union([Type.String(), Type.Null()]);

/** Loose bounds only: what an IP, a host name or a time must look like is checked (and named) by the route. */
export const HostSessionBody = Type.Object(
  {
    ip: Type.Optional(Type.String({ maxLength: 64 })),
    hostname: Type.Optional(Type.String({ maxLength: 300 })),
    alternateNames: Type.Optional(Type.Array(Type.String({ maxLength: 300 }), { maxItems: 32 })),
    seenAt: Type.Optional(Type.String({ maxLength: 64 })),
    source: Type.Optional(Type.String({ maxLength: 128 })),
  },
  closed,
);

export const HostLookupQuery = Type.Object(
  {
    ip: Type.Optional(Type.String({ maxLength: 64 })),
    hostname: Type.Optional(Type.String({ maxLength: 300 })),
    at: Type.Optional(Type.String({ maxLength: 64 })),
  },
  closed,
);

const MatchBy = Type.Unsafe<string>({
  type: 'string',
  enum: ['dnsName', 'alternateName', 'shortName', 'ipAtTime', 'currentIp', 'findByIp'],
});

export const HostContextSchema = Type.Object(
  {
    endpointId: NullableString,
    tenantId: NullableString,
    tenantName: NullableString,
    machineId: NullableString,
    name: NullableString,
    os: NullableString,
    osVersion: NullableString,
    isolationState: NullableString,
    healthStatus: NullableString,
    lastSeen: NullableString,
    ipAddresses: Type.Array(Type.String()),
    riskScore: NullableString,
    exposureLevel: NullableString,
    tags: Type.Array(Type.String()),
    deviceGroup: NullableString,
    risk: Type.Union([
      Type.Object(
        {
          overall: Type.String(),
          exposure: Type.String(),
          alert: Type.String(),
          reasons: Type.Array(Type.String()),
        },
        closed,
      ),
      Type.Null(),
    ]),
    profile: Type.Union([
      Type.Object({ name: Type.String(), matchScore: Type.String() }, closed),
      Type.Null(),
    ]),
    links: Type.Union([
      Type.Object({ overview: Type.String(), vulnerabilities: Type.String(), alerts: Type.String() }, closed),
      Type.Null(),
    ]),
    match: Type.Object(
      {
        status: Type.Unsafe<string>({ type: 'string', enum: ['matched', 'ambiguous', 'unmanaged'] }),
        by: Type.Union([MatchBy, Type.Null()]),
        candidates: Type.Optional(
          Type.Array(
            Type.Object(
              {
                machineId: Type.String(),
                name: Type.String(),
                tenantName: Type.String(),
                lastSeen: NullableString,
              },
              closed,
            ),
          ),
        ),
      },
      closed,
    ),
    refreshed: Type.Boolean(),
  },
  closed,
);

export const EndpointSchema = Type.Object(
  {
    id: Type.String(),
    managed: Type.Boolean(),
    tenantId: NullableString,
    machineId: NullableString,
    hostname: NullableString,
    alternateNames: Type.Array(Type.String()),
    ip: NullableString,
    matchBy: NullableString,
    source: NullableString,
    firstSeenAt: Type.String(),
    lastSeenAt: Type.String(),
  },
  closed,
);

/** HostDetail.match: how network-observed endpoints were matched to the device (the newest endpoint row). */
export const HostMatchSchema = Type.Object(
  { by: Type.String(), hostname: NullableString, ip: NullableString, lastSeenAt: Type.String() },
  closed,
);
