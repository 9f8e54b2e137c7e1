/**
 * Request and response schemas of the auth, users, roles, tokens and audit routes (CONTRACT.md). Response
 * schemas list every field, so serialisation drops anything else: a password or token hash cannot leak even
 * if a query selected it.
 */
import { Type } from 'typebox';
import { MAX_PASSWORD_LENGTH } from '../../../auth/passwords.js';
import { type Permission, Permissions } from '../../../auth/permissions.js';

const closed = { additionalProperties: false } as const;
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const PermissionSchema = Type.Unsafe<Permission>({ type: 'string', enum: [...Permissions] });

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    roleId: Type.String(),
    roleName: Type.String(),
    disabled: Type.Boolean(),
    createdAt: Type.String(),
    lastLoginAt: NullableString,
  },
  closed,
);

export const RoleSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    builtin: Type.Boolean(),
    permissions: Type.Array(PermissionSchema),
    deviceGroups: Type.Union([Type.Array(Type.String()), Type.Null()]),
  },
  closed,
);

export const ApiTokenSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    prefix: Type.String(),
    roleId: Type.String(),
    roleName: Type.String(),
    createdBy: Type.String(),
    createdAt: Type.String(),
    expiresAt: NullableString,
    lastUsedAt: NullableString,
    revokedAt: NullableString,
  },
  closed,
);

const Outcome = Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('denied')]);

export const AuditEntrySchema = Type.Object(
  {
    id: Type.String(),
    at: Type.String(),
    actorKind: Type.Union([
      Type.Literal('user'),
      Type.Literal('token'),
      Type.Literal('cli'),
      Type.Literal('system'),
    ]),
    actor: Type.String(),
    action: Type.String(),
    target: NullableString,
    outcome: Outcome,
    detail: Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true }),
    ip: NullableString,
  },
  closed,
);

const Password = Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH });

export const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 256 }), password: Password },
  closed,
);
export const LoginReply = Type.Object({ user: UserSchema, csrfToken: Type.String() }, closed);

export const MeReply = Type.Object(
  {
    user: Type.Union([UserSchema, Type.Null()]),
    token: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }, closed), Type.Null()]),
    role: RoleSchema,
    permissions: Type.Array(PermissionSchema),
    csrfToken: NullableString,
  },
  closed,
);

export const PasswordBody = Type.Object({ currentPassword: Password, newPassword: Password }, closed);

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }, closed);

export const NewUserBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Password,
    roleId: Type.String({ minLength: 1 }),
    displayName: Type.Optional(Type.String({ maxLength: 128 })),
  },
  closed,
);

export const UserPatchBody = Type.Object(
  {
    roleId: Type.Optional(Type.String({ minLength: 1 })),
    displayName: Type.Optional(Type.String({ maxLength: 128 })),
    disabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(Password),
  },
  closed,
);

const DeviceGroups = Type.Union([
  Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 1000 }),
  Type.Null(),
]);

export const NewRoleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    permissions: Type.Array(PermissionSchema, { maxItems: 50 }),
    deviceGroups: Type.Optional(DeviceGroups),
  },
  closed,
);

export const RolePatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    permissions: Type.Optional(Type.Array(PermissionSchema, { maxItems: 50 })),
    deviceGroups: Type.Optional(DeviceGroups),
  },
  closed,
);

export const RolesReply = Type.Object(
  {
    items: Type.Array(RoleSchema),
    permissions: Type.Array(Type.Object({ name: PermissionSchema, description: Type.String() }, closed)),
  },
  closed,
);

export const NewTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    roleId: Type.String({ minLength: 1 }),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  closed,
);
export const NewTokenReply = Type.Object({ token: Type.String(), apiToken: ApiTokenSchema }, closed);

const auditFilter = {
  actor: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  outcome: Type.Optional(Outcome),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
};

export const AuditQuery = Type.Object(
  {
    ...auditFilter,
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  closed,
);

export const AuditExportQuery = Type.Object(
  { ...auditFilter, format: Type.Union([Type.Literal('csv'), Type.Literal('json')], { default: 'csv' }) },
  closed,
);

export const listOf = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ items: Type.Array(item) }, closed);

export const pageOf = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object(
    { items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() },
    closed,
  );
