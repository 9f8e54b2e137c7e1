import { keyShape } from '@mde-bridge/client/models';

/**
 * Compares the key set and value types of an emulator body with a real sample: every key path of the
 * sample must be served and nothing else; a path's types must be the sample's (null is allowed on either
 * side, since real samples show nulls where other devices have values).
 */
export function shapeDifferences(actual: unknown, sample: unknown): string[] {
  const a = byPath(keyShape(actual));
  const s = byPath(keyShape(sample));
  const problems: string[] = [];
  for (const path of s.keys()) if (!a.has(path) && !isUnder(path, a, s)) problems.push(`missing ${path}`);
  for (const [path, types] of a) {
    const sampleTypes = s.get(path);
    if (!sampleTypes) {
      if (!isUnder(path, s, a)) problems.push(`extra ${path}`);
      continue;
    }
    for (const t of types) {
      const widened = t === 'integer' && sampleTypes.has('number');
      if (t !== 'null' && !widened && !sampleTypes.has(t) && !sampleTypes.has('null'))
        problems.push(`${path}: ${t} where the sample has ${[...sampleTypes].join('|')}`);
    }
  }
  return problems;
}

function byPath(lines: string[]): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const line of lines) {
    const i = line.lastIndexOf(':');
    const path = line.slice(0, i);
    const types = line.slice(i + 1).split('|');
    const set = m.get(path) ?? new Set<string>();
    for (const t of types) set.add(t);
    m.set(path, set);
  }
  return m;
}

/**
 * A path whose parent is an empty array or null on the other side (e.g. `machineTags: []`, `vmMetadata: null`
 * in the sample) cannot be compared, so it is not a difference.
 */
function isUnder(path: string, other: Map<string, Set<string>>, _self: Map<string, Set<string>>): boolean {
  const parent = path.replace(/(\[\]|\.[^.[\]]+|\["[^"]*"\])$/, '');
  if (parent === path || !other.has(parent)) return false;
  for (const p of other.keys())
    if (p !== parent && (p.startsWith(`${parent}[]`) || p.startsWith(`${parent}.`))) return false;
  return true;
}
