import { listMachineActions } from '../../hosts/action-queries.js';
import { listAlerts } from '../../hosts/alert-queries.js';
import { findScopedDevice, getHostDetail } from '../../hosts/host-detail.js';
import { hostFacets } from '../../hosts/host-facets.js';
import { listHosts } from '../../hosts/host-queries.js';
import { listDeviceSoftware, listDeviceVulnerabilities } from '../../hosts/tvm-queries.js';
import { notFound } from '../errors.js';
import type { Api, AppDeps } from '../types.js';
import { deviceGroupsOf, tenantFilter } from './request-scope.js';
import {
  AlertSchema,
  DeviceVulnerabilityQuery,
  DeviceVulnerabilitySchema,
  FacetsQuery,
  FacetsSchema,
  HostDetailSchema,
  HostListQuery,
  HostSummarySchema,
  ItemParams,
  MachineActionSchema,
  PageQuery,
  pageOf,
  SoftwareSchema,
} from './schemas/hosts.js';

/** Hosts: the searchable list, its facets, one host, and the host's alerts, actions, CVEs and software. */
export function hostsRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.store;
  const tags = ['hosts'];
  const access = { access: 'hosts.view' } as const;

  api.get(
    '/hosts',
    {
      schema: { tags, querystring: HostListQuery, response: { 200: pageOf(HostSummarySchema) } },
      config: access,
    },
    async (request) =>
      listHosts(
        db,
        { ...request.query, tenant: await tenantFilter(db, request.query.tenant) },
        deviceGroupsOf(request),
      ),
  );

  api.get(
    '/hosts/facets',
    { schema: { tags, querystring: FacetsQuery, response: { 200: FacetsSchema } }, config: access },
    async (request) => hostFacets(db, deviceGroupsOf(request), await tenantFilter(db, request.query.tenant)),
  );

  api.get(
    '/hosts/:id',
    { schema: { tags, params: ItemParams, response: { 200: HostDetailSchema } }, config: access },
    async (request) => {
      const host = await getHostDetail(db, request.params.id, deviceGroupsOf(request));
      if (!host) throw notFound(`host '${request.params.id}'`);
      return host;
    },
  );

  /** The device behind `:id` if the caller may see it; otherwise the same 404 as an unknown host. */
  const device = async (request: { params: { id: string } } & Parameters<typeof deviceGroupsOf>[0]) => {
    const found = await findScopedDevice(db, request.params.id, deviceGroupsOf(request));
    if (!found) throw notFound(`host '${request.params.id}'`);
    return found;
  };

  api.get(
    '/hosts/:id/alerts',
    {
      schema: { tags, params: ItemParams, querystring: PageQuery, response: { 200: pageOf(AlertSchema) } },
      config: access,
    },
    async (request) => {
      const { tenant, id } = await device(request);
      return listAlerts(db, { ...request.query, tenant, machineId: id }, deviceGroupsOf(request));
    },
  );

  api.get(
    '/hosts/:id/actions',
    {
      schema: {
        tags,
        params: ItemParams,
        querystring: PageQuery,
        response: { 200: pageOf(MachineActionSchema) },
      },
      config: access,
    },
    async (request) => {
      const { tenant, id } = await device(request);
      return listMachineActions(db, { ...request.query, tenant, machineId: id }, deviceGroupsOf(request));
    },
  );

  api.get(
    '/hosts/:id/vulnerabilities',
    {
      schema: {
        tags,
        params: ItemParams,
        querystring: DeviceVulnerabilityQuery,
        response: { 200: pageOf(DeviceVulnerabilitySchema) },
      },
      config: access,
    },
    async (request) => listDeviceVulnerabilities(db, await device(request), request.query),
  );

  api.get(
    '/hosts/:id/software',
    {
      schema: { tags, params: ItemParams, querystring: PageQuery, response: { 200: pageOf(SoftwareSchema) } },
      config: access,
    },
    async (request) => listDeviceSoftware(db, await device(request), request.query, deviceGroupsOf(request)),
  );
}
