/**
 * Small, fast, seedable randomness.
 *
 * Every piece of generated data draws from its own stream `rng(tag, i, j)` whose 128-bit sfc32 state is
 * built from the tenant seed with the raw `tag`, `i` and `j` xor-ed into separate state words. Distinct
 * (tag, i, j) therefore give distinct states, and sfc32's state transition is a bijection, so two streams
 * never merge: device 7's data is the same whether the tenant has 10 or 100,000 devices.
 */

/** murmur3 finaliser: a good 32-bit avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Stateless hash of up to three integers to a uint32. */
export function hash3(a: number, b: number, c = 0): number {
  let h = fmix32((a ^ 0x9e3779b9) >>> 0);
  h = fmix32((h ^ Math.imul(b | 0, 0xcc9e2d51)) >>> 0);
  h = fmix32((h + Math.imul(c | 0, 0x1b873593) + 0x6b43a9b5) >>> 0);
  return h;
}

/** Stateless uniform double in [0, 1) from a uint32 hash. */
export function unit(h: number): number {
  return h / 4294967296;
}

/** cyrb128: four 32-bit words from a string. */
export function hashWords(s: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < s.length; i++) {
    const k = s.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** 32-bit hash of a string. */
export function hashString(s: string): number {
  return hashWords(s)[0];
}

const HEX_CODES = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];
const HEX_UPPER = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 65, 66, 67, 68, 69, 70];
const HEX_BUFS: number[][] = Array.from({ length: 65 }, (_, n) => new Array<number>(n).fill(0));
const GUID_BUF: number[] = new Array<number>(36).fill(0);

/** sfc32 generator with convenience draws. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** Double in [lo, hi). */
  real(lo: number, hi: number): number {
    return lo + this.float() * (hi - lo);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }

  /** `n` lowercase hex characters (a flat string). */
  hex(n: number): string {
    const buf = n <= 64 ? HEX_BUFS[n] : new Array<number>(n);
    let w = 0;
    for (let i = 0; i < n; i++) {
      if ((i & 7) === 0) w = this.u32();
      buf[i] = HEX_CODES[w & 15];
      w >>>= 4;
    }
    return String.fromCharCode.apply(null, buf);
  }

  /** `n` upper-case hex characters (a flat string), e.g. for MAC addresses. */
  hexUpper(n: number): string {
    const buf = n <= 64 ? HEX_BUFS[n] : new Array<number>(n);
    let w = 0;
    for (let i = 0; i < n; i++) {
      if ((i & 7) === 0) w = this.u32();
      buf[i] = HEX_UPPER[w & 15];
      w >>>= 4;
    }
    return String.fromCharCode.apply(null, buf);
  }

  /** Lower-case GUID string (version 4 shape). */
  guid(): string {
    const buf = GUID_BUF;
    let w = 0;
    let k = 0;
    for (let i = 0; i < 36; i++) {
      if (i === 8 || i === 13 || i === 18 || i === 23) {
        buf[i] = 45;
        continue;
      }
      if ((k & 7) === 0) w = this.u32();
      buf[i] = HEX_CODES[w & 15];
      w >>>= 4;
      k++;
    }
    buf[14] = 52; // '4'
    buf[19] = HEX_CODES[8 + (buf[19] & 3)];
    return String.fromCharCode.apply(null, buf);
  }

  /** Exponentially distributed value with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }

  /** Poisson draw (Knuth for small means, normal approximation above 30). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) {
      const u = 1 - this.float();
      const v = this.float();
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
    }
    const l = Math.exp(-mean);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.float();
    } while (p > l);
    return k - 1;
  }
}

/** Weighted choice over a fixed table (cumulative weights precomputed). */
export class Weighted<T> {
  readonly values: readonly T[];
  private readonly cum: number[];
  private readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    this.values = entries.map((e) => e[0]);
    this.cum = [];
    let t = 0;
    for (const [, w] of entries) {
      t += w;
      this.cum.push(t);
    }
    this.total = t;
  }

  pick(rng: Rng): T {
    return this.at(rng.float());
  }

  /** Value for a uniform draw `u` in [0, 1). */
  at(u: number): T {
    const x = u * this.total;
    const cum = this.cum;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo];
  }
}

/** Named stream tags (any distinct 32-bit numbers work). */
export const Stream = {
  device: 0x0001,
  machineId: 0x0002,
  reimage: 0x0003,
  ipHistory: 0x0004,
  users: 0x0005,
  software: 0x0006,
  alerts: 0x0007,
  scenario: 0x0008,
  telemetryHour: 0x0009,
  telemetryDay: 0x000a,
  evolve: 0x000b,
  evolveAlert: 0x000c,
  catalogue: 0x000d,
  vulnerability: 0x000e,
  recommendation: 0x000f,
  tenant: 0x0010,
  score: 0x0011,
  name: 0x0012,
  evidence: 0x0013,
  onboard: 0x0014,
} as const;

/** The tenant seed expanded to four words; hands out independent streams. */
export class SeedBase {
  readonly words: readonly [number, number, number, number];

  constructor(seed: string | number) {
    this.words = hashWords(`mde-tenant:${typeof seed === 'number' ? `n${seed}` : `s${seed}`}`);
  }

  /** An independent generator for (tag, i, j). */
  rng(tag: number, i = 0, j = 0): Rng {
    const [w0, w1, w2, w3] = this.words;
    return new Rng(w0 ^ Math.imul(tag, 0x9e3779b1), w1 ^ j, w2 ^ i, w3);
  }

  /** A stateless 32-bit hash of (tag, i, j) under this seed. */
  hash(tag: number, i: number, j = 0): number {
    return hash3(this.words[0] ^ Math.imul(tag, 0x9e3779b1), i, hash3(this.words[1], j, this.words[2]));
  }

  /** A per-(tag, i) key for many cheap draws with `keyUnit(key, j)`. */
  key(tag: number, i: number): number {
    return hash3(this.words[0] ^ Math.imul(tag, 0x9e3779b1), i, this.words[1]);
  }

  /** Stateless uniform [0, 1) for (tag, i, j). */
  unit(tag: number, i: number, j = 0): number {
    return unit(this.hash(tag, i, j));
  }
}

/** Uniform [0, 1) for sub-key `j` of a `SeedBase.key`. */
export function keyUnit(key: number, j: number): number {
  return fmix32((key ^ Math.imul(j + 1, 0x9e3779b1)) >>> 0) / 4294967296;
}

/** A keyed bijection on [0, 2^32): used to turn indexes into unique, random-looking numbers. */
export function permute32(x: number, key: number): number {
  let h = (x ^ key) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return (h + key) >>> 0;
}

/** Deterministic hex digest-like string of `n` chars for a string key (not cryptographic). */
export function pseudoDigest(key: string, n: number): string {
  const w = hashWords(key);
  const r = new Rng(w[0], w[1], w[2], w[3]);
  return r.hex(n);
}
