/** Shared, immutable generation context: seed streams, organisation, clock at generation time. */
import { makeOrg, type Org, person } from './names.js';
import { SeedBase, Stream } from './prng.js';

export interface Ctx {
  base: SeedBase;
  org: Org;
  tenantId: string;
  /** `nowMs` of the generation: the data lies before it. */
  genNowMs: number;
  /** SOC analysts (UPNs) who triage alerts. */
  analysts: string[];
}

export function makeCtx(seed: string | number, tenantId: string, nowMs: number): Ctx {
  const base = new SeedBase(seed);
  const org = makeOrg(base);
  const rng = base.rng(Stream.tenant, 2);
  const analysts: string[] = [];
  for (let k = 0; k < 4; k++) {
    const p = person(base, 1_000_000 + rng.int(1_000_000));
    analysts.push(`${p.displayFirst}.${p.displayLast}@${org.domain}`);
  }
  return { base, org, tenantId, genNowMs: nowMs, analysts };
}
