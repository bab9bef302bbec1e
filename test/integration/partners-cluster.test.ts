import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { until } from '../helpers/content.js';
import { keyOf, organizationOf } from '../helpers/partners.js';
import { post } from '../helpers/http.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';

// Two server processes on one PostgreSQL and one Redis: a key's limit is shared, and a
// revocation on one holds on the other at the next request (no cache outlives it).
const QUERY = '{ currentOrganization { id } }';

for (const target of targets().filter((t) => t.name === 'postgresql+redis')) {
  describe(`partners: API keys across processes (${target.name})`, () => {
    let a: TestServer;
    let b: TestServer;
    before(async () => {
      a = await bootServer(target, 'partners-cluster');
      b = await bootServer(target, 'partners-cluster', { storage: a.storage });
    });
    after(async () => {
      await b.close();
      await a.close();
    });

    it('should share one key limit between processes', async () => {
      const owner = await a.user('owner1');
      const org = await organizationOf(owner.client);
      const key = await keyOf(a, owner.client, org.id, ['CONTENT_READ'], { rateLimitPerMinute: 4 });
      const statuses: number[] = [];
      for (const t of [a, b, a, b, b]) {
        statuses.push(
          (await post(t.server.url, { query: QUERY }, { 'x-api-key': key.secret })).status,
        );
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 429]);
      assert.equal(
        (await post(a.server.url, { query: QUERY }, { 'x-api-key': key.secret })).status,
        429,
      );
    });

    it('should refuse a key revoked on the other process at the next request', async () => {
      const owner = await a.user('owner2');
      const org = await organizationOf(owner.client);
      const key = await keyOf(a, owner.client, org.id, ['CONTENT_READ']);
      assert.equal(
        (await post(b.server.url, { query: QUERY }, { 'x-api-key': key.secret })).status,
        200,
      );
      await owner.client.RevokeApiKey({ id: key.apiKey.id });
      const r = await post(b.server.url, { query: QUERY }, { 'x-api-key': key.secret });
      assert.deepEqual([r.status, r.body.errors?.[0]?.extensions?.reason], [401, 'KEY_REVOKED']);
    });

    it('should refuse a key on both processes once it expires', async () => {
      const owner = await a.user('owner3');
      const org = await organizationOf(owner.client);
      const key = await keyOf(a, owner.client, org.id, ['CONTENT_READ'], {
        expiresAt: new Date(Date.now() + 1500).toISOString(),
      });
      assert.equal(
        (await post(b.server.url, { query: QUERY }, { 'x-api-key': key.secret })).status,
        200,
      );
      await until('the key to expire on the other process', async () => {
        const r = await post(b.server.url, { query: QUERY }, { 'x-api-key': key.secret });
        return r.body.errors?.[0]?.extensions?.reason === 'KEY_EXPIRED' || null;
      });
      const r = await post(a.server.url, { query: QUERY }, { 'x-api-key': key.secret });
      assert.deepEqual([r.status, r.body.errors?.[0]?.extensions?.reason], [401, 'KEY_EXPIRED']);
    });
  });
}
