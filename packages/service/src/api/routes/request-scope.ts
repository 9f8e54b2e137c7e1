import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DeviceGroups } from '../../hosts/device-scope.js';
import type { Database } from '../../store/schema.js';
import { badRequest } from '../errors.js';

/** The device groups the caller is limited to (null = all); every host-data query applies them. */
export function deviceGroupsOf(request: FastifyRequest): DeviceGroups {
  return request.principal?.deviceGroups ?? null;
}

/** A `tenant` query parameter (id or name) as tenants.id; an unknown tenant is a 400 naming the parameter. */
export async function tenantFilter(
  db: Kysely<Database>,
  value: string | undefined,
  field = 'query.tenant',
): Promise<string | undefined> {
  if (value === undefined) return undefined;
  const row =
    (await db.selectFrom('tenants').select('id').where('id', '=', value).executeTakeFirst()) ??
    (await db.selectFrom('tenants').select('id').where('name', '=', value).executeTakeFirst());
  if (!row) throw badRequest(`no tenant '${value}' (give a tenant's id or name)`, field);
  return row.id;
}
