/**
 * What a role can grant (C10). Every API route declares one of these (or `public` / `authenticated`), and the
 * route-by-role test proves nothing answers without it.
 */
export const Permissions = [
  'config.view',
  'config.edit',
  'hosts.view',
  'lockdown.edit',
  'actions.scan',
  'detections.submit',
  'hunting.run',
  'validation.run',
  'users.manage',
  'audit.view',
] as const;
export type Permission = (typeof Permissions)[number];

export const permissionDescriptions: Record<Permission, string> = {
  'config.view': 'View tenants, integration settings and sync status',
  'config.edit': 'Add, edit, test, enable, disable and remove tenants; start syncs',
  'hosts.view': 'View hosts, alerts, machine actions, vulnerabilities and software',
  'lockdown.edit': 'Isolate and release hosts, lock and unlock them',
  'actions.scan': 'Run antivirus scans and collect investigation packages',
  'detections.submit': 'Submit network detections (which automatic lockdown policies may act on)',
  'hunting.run': 'Run advanced hunting queries and stitch detections',
  'validation.run': 'Run detection validations',
  'users.manage': 'Manage users, roles and API tokens',
  'audit.view': 'Read and export the audit log',
};

export interface BuiltinRole {
  id: string;
  name: string;
  description: string;
  permissions: readonly Permission[];
}

/** Super Admin and Admin hold everything by default (as in the seeds); the ids are stable across installs. */
export const builtinRoles: readonly BuiltinRole[] = [
  {
    id: 'super-admin',
    name: 'Super Admin',
    description: 'Every permission',
    permissions: Permissions,
  },
  { id: 'admin', name: 'Admin', description: 'Every permission', permissions: Permissions },
  {
    id: 'analyst',
    name: 'Analyst',
    description: 'Investigate and respond: hosts, lockdown, scans, hunting, validation',
    permissions: [
      'config.view',
      'hosts.view',
      'lockdown.edit',
      'actions.scan',
      'detections.submit',
      'hunting.run',
      'validation.run',
    ],
  },
  {
    id: 'read-only',
    name: 'Read-only',
    description: 'View hosts and configuration',
    permissions: ['config.view', 'hosts.view'],
  },
];

export function isPermission(value: string): value is Permission {
  return (Permissions as readonly string[]).includes(value);
}
