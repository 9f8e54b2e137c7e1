import { describe, expect, it } from 'vitest';
import { orderedId } from './ordered-id.js';

describe('orderedId', () => {
  it('sorts in the order the IDs were made, also within one millisecond, and is a version 7 UUID', () => {
    const ids = Array.from({ length: 5000 }, () => orderedId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 50))
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
