/**
 * Internal IP address pools with DHCP-like leases. Addresses are handed out in generation order; an
 * address released at time t may be leased again to another device from t + 30 minutes on, so one
 * address can belong to different devices at different times but never to two devices at once.
 */
import type { Rng } from './prng.js';
import { MINUTE } from './time.js';

export type PoolKey = 'hq-ws' | 'hq-srv' | 'branch-ws' | 'branch-srv' | 'office-ws' | 'vpn' | 'azure';

interface PoolDef {
  first: number;
  secondFrom: number;
  secondTo: number;
}

const POOLS: Record<PoolKey, PoolDef> = {
  'hq-ws': { first: 10, secondFrom: 10, secondTo: 19 },
  'hq-srv': { first: 10, secondFrom: 20, secondTo: 29 },
  'branch-ws': { first: 172, secondFrom: 16, secondTo: 23 },
  'branch-srv': { first: 172, secondFrom: 24, secondTo: 31 },
  'office-ws': { first: 192, secondFrom: 168, secondTo: 168 },
  vpn: { first: 10, secondFrom: 200, secondTo: 209 },
  azure: { first: 10, secondFrom: 100, secondTo: 109 },
};

const HOSTS_PER_SUBNET = 240;
const REUSE_GAP = 30 * MINUTE;

function slotToIp(pool: PoolKey, slot: number): string {
  const def = POOLS[pool];
  const subnet = Math.floor(slot / HOSTS_PER_SUBNET);
  const host = 10 + (slot % HOSTS_PER_SUBNET);
  const span = (def.secondTo - def.secondFrom + 1) * 256;
  if (subnet >= span) {
    // Pool exhausted (only for absurd sizes): spill into 10.50.0.0/12-ish.
    const s = subnet - span;
    return [10, 50 + Math.floor(s / 256), s % 256, host].join('.');
  }
  return [def.first, def.secondFrom + Math.floor(subnet / 256), subnet % 256, host].join('.');
}

interface Released {
  ip: string;
  freeAt: number;
}

/** Min-heap of released addresses by release time: the longest-free address is leased again first. */
class ReleasedHeap {
  private readonly items: Released[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Released | undefined {
    return this.items[0];
  }

  push(r: Released): void {
    const a = this.items;
    a.push(r);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent].freeAt <= r.freeAt) break;
      a[i] = a[parent];
      i = parent;
    }
    a[i] = r;
  }

  pop(): Released | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const r = l + 1;
      const c = r < a.length && a[r].freeAt < a[l].freeAt ? r : l;
      if (a[c].freeAt >= last.freeAt) break;
      a[i] = a[c];
      i = c;
    }
    a[i] = last;
    return top;
  }
}

export class IpAllocator {
  private readonly fresh = new Map<PoolKey, number>();
  private readonly released = new Map<PoolKey, ReleasedHeap>();

  /** Lease an address from `pool` starting at `atMs`: a released one when possible (p = reuse), else new. */
  allocate(pool: PoolKey, atMs: number, rng: Rng, reuse = 0.55): string {
    const heap = this.released.get(pool);
    if (heap && heap.size > 0 && rng.chance(reuse)) {
      const oldest = heap.peek() as Released;
      if (oldest.freeAt + REUSE_GAP <= atMs) return (heap.pop() as Released).ip;
    }
    const slot = this.fresh.get(pool) ?? 0;
    this.fresh.set(pool, slot + 1);
    return slotToIp(pool, slot);
  }

  /** The lease ended at `atMs`; the address may go to someone else later. */
  release(pool: PoolKey, ip: string, atMs: number): void {
    let heap = this.released.get(pool);
    if (!heap) {
      heap = new ReleasedHeap();
      this.released.set(pool, heap);
    }
    heap.push({ ip, freeAt: atMs });
  }
}
