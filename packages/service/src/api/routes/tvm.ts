import { listSoftware, listVulnerabilities } from '../../hosts/tvm-queries.js';
import type { Api, AppDeps } from '../types.js';
import { deviceGroupsOf, tenantFilter } from './request-scope.js';
import {
  pageOf,
  SoftwareListQuery,
  SoftwareSchema,
  VulnerabilityListQuery,
  VulnerabilitySchema,
} from './schemas/hosts.js';

/** Vulnerability management: the CVE catalogue and the software inventory. */
export function tvmRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.store;
  const tags = ['vulnerabilities'];

  api.get(
    '/vulnerabilities',
    {
      schema: { tags, querystring: VulnerabilityListQuery, response: { 200: pageOf(VulnerabilitySchema) } },
      config: { access: 'hosts.view' },
    },
    async (request) =>
      listVulnerabilities(
        db,
        { ...request.query, tenant: await tenantFilter(db, request.query.tenant) },
        deviceGroupsOf(request),
      ),
  );

  api.get(
    '/software',
    {
      schema: { tags, querystring: SoftwareListQuery, response: { 200: pageOf(SoftwareSchema) } },
      config: { access: 'hosts.view' },
    },
    async (request) =>
      listSoftware(
        db,
        { ...request.query, tenant: await tenantFilter(db, request.query.tenant) },
        deviceGroupsOf(request),
      ),
  );
}
