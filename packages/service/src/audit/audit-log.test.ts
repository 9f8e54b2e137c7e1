import { describe, expect, it } from 'vitest';
import { engines } from '../store/store.test-support.js';
import { appendAudit, maskSecrets } from './audit-log.js';

describe('maskSecrets', () => {
  it('masks secret-looking keys at any depth and passwords inside URLs', () => {
    expect(
      maskSecrets({
        name: 'contoso',
        clientSecret: 's3cr3t',
        nested: { privateKeyPem: 'PEM', list: [{ apiToken: 'mdeb_x' }] },
        proxy: 'http://bob:hunter2@proxy:3128',
      }),
    ).toEqual({
      name: 'contoso',
      clientSecret: '***',
      nested: { privateKeyPem: '***', list: [{ apiToken: '***' }] },
      proxy: 'http://bob:***@proxy:3128',
    });
  });
});

for (const engine of engines) {
  describe(`appendAudit on ${engine.name}`, () => {
    it('writes a masked record with the time it was given', async () => {
      const store = await engine.open();
      try {
        await appendAudit(
          store.db,
          {
            actorKind: 'user',
            actor: 'admin',
            action: 'tenant.created',
            target: 'contoso',
            detail: { clientSecret: 'abc' },
          },
          new Date('2026-01-02T03:04:05.000Z'),
        );
        const rows = await store.db.selectFrom('audit_log').selectAll().execute();
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({
          at: '2026-01-02T03:04:05.000Z',
          actor: 'admin',
          action: 'tenant.created',
          outcome: 'success',
          target: 'contoso',
        });
        expect(JSON.parse(rows[0].detail)).toEqual({ clientSecret: '***' });
      } finally {
        await store.dispose();
      }
    });
  });
}
