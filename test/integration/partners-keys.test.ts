import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectCode } from '../helpers/errors.js';
import { contentSuite, fx, newUser, until } from '../helpers/content.js';
import { reasonOf } from '../helpers/memberships.js';
import { keyOf, organizationOf } from '../helpers/partners.js';
import { post } from '../helpers/http.js';
import { targets } from '../helpers/targets.js';
import { connect } from '../helpers/ws.js';

const sub = (query: string) => ({ query });

for (const target of targets()) {
  describe(`partners: API keys (${target.name})`, () => {
    contentSuite(target, 'partners-keys');

    it('should act for the organisation, as its profile, with the secret shown once and only a hash stored', async () => {
      const owner = await newUser('owner');
      const org = await organizationOf(owner.client);
      const key = await keyOf(fx.t, owner.client, org.id, ['CONTENT_READ', 'CONTENT_WRITE']);
      assert.match(key.secret, /^mq_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
      assert.ok(key.secret.startsWith(key.apiKey.prefix));
      assert.equal(key.apiKey.rateLimitPerMinute, 600);
      // The stored row, every column as the database holds it: a hash, never the secret.
      const [row] = await fx.t.server.orm.em
        .getConnection()
        .execute<Record<string, unknown>[]>('select * from api_keys where id = ?', [key.apiKey.id]);
      assert.match(String(row?.hash), /^[0-9a-f]{64}$/);
      assert.equal(JSON.stringify(row).includes(key.secret.slice(12)), false);

      assert.equal((await key.keyed.CurrentOrganization()).currentOrganization?.id, org.id);
      assert.equal((await key.keyed.Me()).me?.id, org.profile.id);
      const { createContent } = await key.keyed.CreateContent({
        input: { kind: 'ARTICLE', title: 'Sponsored', body: 'By the brand.' },
      });
      assert.equal(createContent.author.id, org.profile.id);
      assert.equal((await owner.client.CurrentOrganization()).currentOrganization, null);
      const listed = (await owner.client.Organization({ id: org.id })).organization?.apiKeys ?? [];
      assert.deepEqual(
        listed.map((k) => k.prefix),
        [key.apiKey.prefix],
      );
      assert.ok(listed[0]?.lastUsedAt, 'lastUsedAt is set by use');
    });

    it('should refuse what the key has no scope for, and what keys may not do at all', async () => {
      const owner = await newUser('owner');
      const org = await organizationOf(owner.client);
      const reader = await keyOf(fx.t, owner.client, org.id, ['CONTENT_READ']);
      await reader.keyed.Contents({ first: 1 });
      const e = await expectCode(
        reader.keyed.CreateContent({ input: { kind: 'ARTICLE', title: 'x', body: 'y' } }),
        'FORBIDDEN',
      );
      assert.deepEqual(
        [reasonOf(e), e.errors[0]?.extensions?.missingScope],
        ['MISSING_SCOPE', 'CONTENT_WRITE'],
      );
      // People-only fields refuse every key, whatever its scopes.
      for (const call of [
        () =>
          reader.keyed.CreateApiKey({
            organizationId: org.id,
            input: { name: 'x', scopes: ['CONTENT_READ'] },
          }),
        () => reader.keyed.Conversations({}),
        () => reader.keyed.MyOrganizations(),
      ]) {
        assert.equal(reasonOf(await expectCode(call(), 'FORBIDDEN')), 'NOT_FOR_API_KEYS');
      }
      // Over graphql-ws, with the key in connectionParams.
      const ws = connect(fx.t.server.wsUrl, { 'x-api-key': reader.secret });
      await ws.connected;
      const allowed = await new Promise<unknown>((resolve, reject) => {
        ws.client.subscribe(sub('{ currentOrganization { id } }'), {
          next: resolve,
          error: reject,
          complete: () => undefined,
        });
      });
      assert.deepEqual(allowed, { data: { currentOrganization: { id: org.id } } });
      const refused = await new Promise<{ errors?: { extensions?: Record<string, unknown> }[] }>(
        (resolve, reject) => {
          ws.client.subscribe(
            sub(
              'subscription { chatEvents(conversationId: "00000000-0000-4000-8000-000000000000") { __typename } }',
            ),
            {
              next: (v) => resolve(v as never),
              error: reject,
              complete: () => undefined,
            },
          );
        },
      );
      assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN');
      await ws.close();
    });

    it('should refuse a key with a token, a forged key, a revoked and an expired one', async () => {
      const owner = await newUser('owner');
      const org = await organizationOf(owner.client);
      const key = await keyOf(fx.t, owner.client, org.id, ['CONTENT_READ'], {
        expiresAt: new Date(Date.now() + 1500).toISOString(),
      });
      const query = '{ currentOrganization { id } }';
      const both = await post(
        fx.t.server.url,
        { query: query },
        { 'x-api-key': key.secret, authorization: `Bearer ${owner.token}` },
      );
      assert.deepEqual(
        [both.status, both.body.errors?.[0]?.extensions?.code],
        [400, 'BAD_USER_INPUT'],
      );
      const forged = await post(
        fx.t.server.url,
        { query: query },
        { 'x-api-key': `${key.secret.slice(0, -2)}xx` },
      );
      assert.deepEqual(
        [forged.status, forged.body.errors?.[0]?.extensions?.reason],
        [401, 'KEY_INVALID'],
      );
      await until('the key to expire', async () => {
        const r = await post(fx.t.server.url, { query: query }, { 'x-api-key': key.secret });
        return r.body.errors?.[0]?.extensions?.reason === 'KEY_EXPIRED' || null;
      });

      const other = await keyOf(fx.t, owner.client, org.id, ['CONTENT_READ']);
      const ws = connect(fx.t.server.wsUrl, { 'x-api-key': other.secret });
      await ws.connected;
      await expectCode(fx.bob.client.RevokeApiKey({ id: other.apiKey.id }), 'FORBIDDEN');
      const revoked = await owner.client.RevokeApiKey({ id: other.apiKey.id });
      assert.ok(revoked.revokeApiKey.revokedAt);
      const r = await post(fx.t.server.url, { query: query }, { 'x-api-key': other.secret });
      assert.deepEqual([r.status, r.body.errors?.[0]?.extensions?.reason], [401, 'KEY_REVOKED']);
      // The open connection is closed within a few seconds.
      assert.equal(await ws.closed, 4403);
    });

    it('should send RateLimit headers on every keyed response and refuse past the limit', async () => {
      const owner = await newUser('owner');
      const org = await organizationOf(owner.client);
      const key = await keyOf(fx.t, owner.client, org.id, ['CONTENT_READ'], {
        rateLimitPerMinute: 3,
      });
      const remaining: (string | null)[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await post(
          fx.t.server.url,
          { query: '{ currentOrganization { id } }' },
          { 'x-api-key': key.secret },
        );
        assert.equal(r.status, 200);
        assert.equal(r.headers.get('ratelimit-limit'), '3');
        assert.ok(Number(r.headers.get('ratelimit-reset')) >= 1);
        remaining.push(r.headers.get('ratelimit-remaining'));
      }
      assert.deepEqual(remaining, ['2', '1', '0']);
      const over = await post(
        fx.t.server.url,
        { query: '{ currentOrganization { id } }' },
        { 'x-api-key': key.secret },
      );
      assert.equal(over.status, 429);
      assert.equal(over.body.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
      assert.ok(Number(over.body.errors?.[0]?.extensions?.retryAfterSeconds) >= 1);
      assert.equal(over.headers.get('ratelimit-remaining'), '0');
      await expectCode(
        owner.client.CreateApiKey({
          organizationId: org.id,
          input: { name: 'x', scopes: ['CONTENT_READ'], rateLimitPerMinute: 6001 },
        }),
        'BAD_USER_INPUT',
      );
      await expectCode(
        owner.client.CreateApiKey({ organizationId: org.id, input: { name: 'x', scopes: [] } }),
        'BAD_USER_INPUT',
      );
    });
  });
}
