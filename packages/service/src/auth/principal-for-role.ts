import type { Selectable } from 'kysely';
import type { RoleTable } from '../store/schema.js';
import type { Principal } from './principal.js';
import { toRoleView } from './roles.js';

/** The caller as routes see it: who, and what the role grants (permissions, device-group scope). */
export function principalForRole(
  kind: Principal['kind'],
  id: string,
  name: string,
  role: Selectable<RoleTable>,
): Principal {
  const view = toRoleView(role);
  return {
    kind,
    id,
    name,
    roleId: view.id,
    roleName: view.name,
    permissions: new Set(view.permissions),
    deviceGroups: view.deviceGroups,
  };
}
