import { describe, expect, it } from 'vitest';
import { engines } from '../store/store.test-support.js';
import { exportAudit } from './audit-export.js';
import { appendAudit } from './audit-log.js';
import { queryAudit, walkAudit } from './audit-query.js';

for (const engine of engines) {
  describe(`audit queries on ${engine.name}`, () => {
    it('filters by action prefix literally, pages newest first and walks every row once in batches', async () => {
      const store = await engine.open();
      try {
        const base = Date.parse('2026-02-01T00:00:00.000Z');
        const actions = ['tenant.created', 'tenant_x', 'Tenant.removed', 'token.revoked', 'tenant.removed'];
        for (const [i, action] of actions.entries()) {
          await appendAudit(
            store.db,
            { actorKind: 'user', actor: 'alice', action, target: `t${i}` },
            new Date(base + i * 1000),
          );
        }
        const tenant = await queryAudit(store.db, { action: 'tenant.' }, { page: 1, pageSize: 50 });
        expect(tenant.total).toBe(2);
        expect(tenant.items.map((e) => e.target)).toEqual(['t4', 't0']);
        expect((await queryAudit(store.db, { action: 'tenant_' }, { page: 1, pageSize: 50 })).total).toBe(1);
        const page2 = await queryAudit(store.db, {}, { page: 2, pageSize: 2 });
        expect(page2).toMatchObject({ total: 5 });
        expect(page2.items.map((e) => e.target)).toEqual(['t2', 't1']);

        const batches: string[][] = [];
        for await (const batch of walkAudit(store.db, {}, 2)) batches.push(batch.map((e) => e.target ?? ''));
        expect(batches).toEqual([['t4', 't3'], ['t2', 't1'], ['t0']]);

        let json = '';
        for await (const chunk of exportAudit(
          store.db,
          { actor: 'alice', to: '2026-02-01T00:00:02.000Z' },
          'json',
          1,
        )) {
          json += chunk;
        }
        expect(JSON.parse(json).map((e: { target: string }) => e.target)).toEqual(['t1', 't0']);
      } finally {
        await store.dispose();
      }
    });
  });
}
