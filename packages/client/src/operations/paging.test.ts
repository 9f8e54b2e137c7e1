import { describe, expect, it } from 'vitest';
import { pagedList } from './paging.js';

/** A collection of `total` numbered items served in `$top`/`$skip` pages; records each request. */
function collection(total: number, failAtSkip?: number) {
  const requests: number[] = [];
  const fetchPage = async (skip: number, top: number) => {
    requests.push(skip);
    if (skip === failAtSkip) throw new Error(`page at ${skip} failed`);
    return Array.from({ length: Math.max(0, Math.min(top, total - skip)) }, (_, i) => ({
      id: String(skip + i),
    }));
  };
  return { fetchPage, requests };
}

describe('pagedList with readAhead', () => {
  it('asks for the next page while the caller holds the current one, and makes no extra call', async () => {
    const { fetchPage, requests } = collection(25);
    const list = pagedList(fetchPage, { pageSize: 10, idOf: (i) => i.id, readAhead: true });
    const seenWhileHolding: number[][] = [];
    const ids: string[] = [];
    for await (const page of list.byPage()) {
      await Promise.resolve();
      seenWhileHolding.push([...requests]);
      ids.push(...page.items.map((i) => i.id));
    }
    expect(seenWhileHolding).toEqual([
      [0, 10],
      [0, 10, 20],
      [0, 10, 20],
    ]);
    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => String(i)));
    expect(list.state).toMatchObject({ complete: true, pages: 3, items: 25 });
  });

  it('asks for nothing ahead without the option', async () => {
    const { fetchPage, requests } = collection(25);
    const list = pagedList(fetchPage, { pageSize: 10 });
    const seenWhileHolding: number[][] = [];
    for await (const _ of list.byPage()) seenWhileHolding.push([...requests]);
    expect(seenWhileHolding).toEqual([[0], [0, 10], [0, 10, 20]]);
  });

  it('reports a failed page read ahead when the walk reaches it, leaving the listing incomplete', async () => {
    const { fetchPage } = collection(25, 10);
    const list = pagedList(fetchPage, { pageSize: 10, readAhead: true });
    const pages: number[] = [];
    const walk = async () => {
      for await (const page of list.byPage()) pages.push(page.skip);
    };
    await expect(walk()).rejects.toThrow('page at 10 failed');
    expect(pages).toEqual([0]);
    expect(list.state.complete).toBe(false);
  });

  it('leaves no unhandled rejection when the caller stops before a failed page read ahead', async () => {
    const { fetchPage, requests } = collection(25, 10);
    const list = pagedList(fetchPage, { pageSize: 10, readAhead: true });
    for await (const _ of list.byPage()) break;
    await new Promise((resolve) => setImmediate(resolve));
    expect(requests).toEqual([0, 10]);
  });
});
