import type { Recommendation } from '@mde-bridge/client/models';
import { errors } from '../errors.js';
import type { RouteDef } from '../http/router.js';
import type { EntitySetSpec } from '../odata/types.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { collection, entity, plainCollection, refuseODataOptions } from './common.js';
import { productCves } from './software.js';
import { findById, machineReferencesWhere, vulnerabilitiesIn } from './vulnerabilities.js';

/**
 * TVM security recommendations (spec 4.8). `/{id}/software` is listed nowhere we could read, so it is not
 * served. No rate limit is published for these APIs (spec 9.1 NOT FOUND).
 */
const ROLES = ['SecurityRecommendation.Read.All'];

/** Filterable properties of `/api/recommendations` (spec 3.4); `$top` max 10,000 (spec 3.3). */
export const recommendationSpec: EntitySetSpec<Recommendation> = {
  entitySet: 'Recommendations',
  maxTop: 10_000,
  filterable: {
    id: { type: 'string', get: (r) => r.id },
    productName: { type: 'string', get: (r) => r.productName },
    vendor: { type: 'string', get: (r) => r.vendor },
    recommendedVersion: { type: 'string', get: (r) => r.recommendedVersion },
    recommendationCategory: { type: 'string', get: (r) => r.recommendationCategory },
    subCategory: { type: 'string', get: (r) => r.subCategory },
    severityScore: { type: 'number', get: (r) => r.severityScore },
    remediationType: { type: 'string', get: (r) => r.remediationType },
    recommendedProgram: { type: 'string', get: (r) => r.recommendedProgram ?? null },
    recommendedVendor: { type: 'string', get: (r) => r.recommendedVendor ?? null },
    status: { type: 'string', get: (r) => r.status },
  },
};

/**
 * The software a recommendation is about: `va-_-<vendor>-_-<product>` recommendations name a product,
 * configuration (`sca-_-...`) ones none.
 */
export function recommendationSoftwareId(
  r: Pick<Recommendation, 'id' | 'vendor' | 'productName'>,
): string | null {
  if (!r.id.toLowerCase().startsWith('va-_-') || !r.vendor || !r.productName) return null;
  return `${r.vendor}-_-${r.productName}`;
}

export function recommendationRoutes(state: EmulatorState): RouteDef[] {
  const base = {
    family: 'recommendations',
    auth: 'defender' as const,
    roles: ROLES,
    feature: 'tvm' as const,
  };
  const requireRecommendation = (id: string): Recommendation => {
    const r = findById(state.data.recommendations, id);
    if (!r) throw errors.resourceNotFound(`Recommendation ${id} was not found`);
    return r;
  };
  return [
    {
      ...base,
      method: 'GET',
      path: '/api/recommendations',
      operation: 'listRecommendations',
      handler: (ctx) => collection(ctx, recommendationSpec, state.data.recommendations),
    },
    {
      ...base,
      method: 'GET',
      path: '/api/recommendations/:id',
      operation: 'getRecommendation',
      handler: (ctx) => entity(ctx, 'Recommendations', requireRecommendation(ctx.params.id)),
    },
    {
      ...base,
      method: 'GET',
      path: '/api/recommendations/:id/machineReferences',
      operation: 'listRecommendationMachineReferences',
      handler: (ctx) => {
        refuseODataOptions(ctx, 'machineReferences');
        const id = requireRecommendation(ctx.params.id).id;
        const data = state.data;
        const refs = machineReferencesWhere(data.devices, (d) => data.deviceRecommendations(d).includes(id));
        return plainCollection(ctx, 'MachineReferences', refs);
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/recommendations/:id/vulnerabilities',
      operation: 'listRecommendationVulnerabilities',
      // The page names Vulnerability.Read.All for this sub-resource (get-recommendation-vulnerabilities).
      roles: ['Vulnerability.Read.All'],
      handler: (ctx) => {
        refuseODataOptions(ctx, 'vulnerabilities');
        const softwareId = recommendationSoftwareId(requireRecommendation(ctx.params.id));
        const data = state.data;
        const cves = softwareId
          ? productCves(data.devices, (d) => data.deviceVulnerabilities(d), softwareId)
          : new Set<string>();
        return plainCollection(
          ctx,
          'Collection(Analytics.Contracts.PublicAPI.PublicVulnerabilityDto)',
          vulnerabilitiesIn(data.vulnerabilities, cves),
        );
      },
    },
  ];
}
