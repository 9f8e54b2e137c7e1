/**
 * Per-device software inventory, derived on demand from (seed, device index, OS state): nothing is stored.
 */
import { PRODUCT_BY_ID, PRODUCTS, type ProductDef } from './catalog-software.js';
import type { Traits } from './devices.js';
import type { OsProfile } from './os.js';
import type { SeedBase } from './prng.js';
import { keyUnit, Stream } from './prng.js';
import type { OsFamily } from './types.js';

export interface SwItem {
  product: ProductDef;
  /** Index of the installed version in the product's version list (0 = oldest). */
  vIdx: number;
  version: string;
}

type FamKey = 'W' | 'S' | 'M' | 'L';

export function famKey(f: OsFamily): FamKey | null {
  switch (f) {
    case 'windows':
      return 'W';
    case 'windowsServer':
      return 'S';
    case 'macos':
      return 'M';
    case 'linux':
      return 'L';
    default:
      return null;
  }
}

interface CandidateList {
  products: ProductDef[];
  index: Int32Array;
  prob: Float64Array;
}

function candidates(k: FamKey): CandidateList {
  const products = PRODUCTS.filter((p) => !p.isOs && p.install[k] > 0);
  return {
    products,
    index: Int32Array.from(products.map((p) => p.index)),
    prob: Float64Array.from(products.map((p) => p.install[k])),
  };
}

const CANDIDATES: Record<FamKey, CandidateList> = {
  W: candidates('W'),
  S: candidates('S'),
  M: candidates('M'),
  L: candidates('L'),
};

/** Products a server/Linux role almost always has. */
const ROLE_PRODUCTS: Record<string, string[]> = {
  sql: ['microsoft-_-sql_server_2019', 'microsoft-_-sql_server_management_studio'],
  web: ['microsoft-_-internet_information_services', 'nginx-_-nginx', 'apache-_-http_server'],
  exch: ['microsoft-_-exchange_server_2019'],
  app: ['oracle-_-jre', 'apache-_-tomcat'],
  db: ['postgresql-_-postgresql', 'oracle-_-mysql_server'],
  k8s: ['kubernetes-_-kubelet', 'containerd-_-containerd', 'docker-_-docker_engine'],
  build: ['jenkins-_-jenkins', 'git-scm-_-git', 'docker-_-docker_engine'],
  backup: ['veeam-_-backup_and_replication'],
  dev: ['git-scm-_-git', 'python-_-python', 'nodejs-_-node.js', 'docker-_-docker_engine'],
};
/** Per role: product index → 1 when the role boosts it. */
const ROLE_FLAGS = new Map<string, Uint8Array>();
for (const [role, ids] of Object.entries(ROLE_PRODUCTS)) {
  const set = new Set(ids.map((id) => PRODUCT_BY_ID.get(id)?.index ?? -1));
  const flags = new Uint8Array(PRODUCTS.length);
  for (const i of set) if (i >= 0) flags[i] = 1;
  ROLE_FLAGS.set(role, flags);
}

/** Number of versions a product's CVEs are spread over (OS products: their monthly patch list). */
export function versionCount(p: ProductDef): number {
  if (!p.isOs) return p.versions.length;
  return p.vendor === 'microsoft' ? 12 : 8;
}

/** Whether device `t` has product `p` installed (stateless). */
export function hasProduct(base: SeedBase, t: Traits, p: ProductDef): boolean {
  const k = famKey(t.family);
  if (!k || t.nonOnboarded || p.isOs || p.install[k] === 0) return false;
  const prob = ROLE_FLAGS.get(t.role)?.[p.index] === 1 ? 0.92 : p.install[k];
  return keyUnit(base.key(Stream.software, t.index), p.index) < prob;
}

function versionIndex(key: number, hygiene: 0 | 1 | 2, p: ProductDef): number {
  const n = p.versions.length;
  const last = n - 1;
  const u = keyUnit(key, 100_000 + p.index);
  switch (hygiene) {
    case 0:
      return u < 0.9 ? last : last - 1;
    case 1:
      return u < 0.4 ? last : u < 0.75 ? last - 1 : u < 0.9 ? last - 2 : last - 3;
    default:
      return Math.max(0, last - Math.floor(u * 6));
  }
}

/** Calls `fn(productIndex, versionIndex)` for each installed product: the OS product first. */
export function forEachInstalled(
  base: SeedBase,
  t: Traits,
  profile: OsProfile,
  patchIdx: number,
  fn: (productIndex: number, vIdx: number) => void,
): void {
  if (t.nonOnboarded) return;
  fn(osProductOf(profile).index, patchIdx);
  const k = famKey(t.family);
  if (!k) return;
  const roleFlags = ROLE_FLAGS.get(t.role);
  const key = base.key(Stream.software, t.index);
  const { products, index, prob } = CANDIDATES[k];
  const n = index.length;
  for (let c = 0; c < n; c++) {
    const pi = index[c];
    // keyUnit(key, pi), inlined
    let h = (key ^ Math.imul(pi + 1, 0x9e3779b1)) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    const u = (h >>> 0) / 4294967296;
    if (u >= (roleFlags !== undefined && roleFlags[pi] === 1 ? 0.92 : prob[c])) continue;
    fn(pi, versionIndex(key, t.hygiene, products[c]));
  }
}

const OS_PRODUCT = new Map<OsProfile, ProductDef>();

export function osProductOf(profile: OsProfile): ProductDef {
  let p = OS_PRODUCT.get(profile);
  if (!p) {
    p = PRODUCT_BY_ID.get(`${profile.osProduct.vendor}-_-${profile.osProduct.name}`) as ProductDef;
    OS_PRODUCT.set(profile, p);
  }
  return p;
}

/** Installed software of a device: the OS product first, then applications. */
export function installedSoftware(base: SeedBase, t: Traits, profile: OsProfile, patchIdx: number): SwItem[] {
  const out: SwItem[] = [];
  forEachInstalled(base, t, profile, patchIdx, (pi, vIdx) => {
    const product = PRODUCTS[pi];
    out.push({ product, vIdx, version: product.isOs ? profile.patchVersions[vIdx] : product.versions[vIdx] });
  });
  return out;
}
