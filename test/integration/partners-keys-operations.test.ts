import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectCode } from '../helpers/errors.js';
import { reasonOf } from '../helpers/memberships.js';
import { keyOf, organizationOf } from '../helpers/partners.js';
import { post } from '../helpers/http.js';
import { capturingLogger } from '../helpers/prometheus.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';
import { connect, Stream } from '../helpers/ws.js';

// What a key does beyond content: METRICS_READ over HTTP and graphql-ws, the access log of
// keyed operations, an expiring key's open socket, and API_KEY_SECRET apart from JWT_SECRET.

const guard = { timeout: 60_000 };
const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
const inAMinute = () => new Date(Date.now() + 60_000).toISOString();

for (const target of targets()) {
  describe(`partners: what keys do, and what is logged of them (${target.name})`, () => {
    const log = capturingLogger();
    let t: TestServer;
    before(async () => {
      t = await bootServer(target, 'partners-keys-ops', { logger: log.logger });
    });
    after(() => t.close());

    async function brand(handle: string) {
      const owner = await t.user(handle);
      const org = await organizationOf(owner.client);
      const writer = await keyOf(t, owner.client, org.id, ['CONTENT_READ', 'CONTENT_WRITE']);
      const { createContent } = await writer.keyed.CreateContent({
        input: { kind: 'ARTICLE', title: 'Sponsored', body: 'By the brand.' },
      });
      await writer.keyed.PublishContent({ id: createContent.id });
      return { owner, org, contentId: createContent.id };
    }

    it(
      'should let a METRICS_READ key read its content metrics over HTTP and graphql-ws, and refuse a key without it',
      guard,
      async () => {
        const { owner, org, contentId } = await brand('metrics_owner');
        const metrics = await keyOf(t, owner.client, org.id, ['METRICS_READ']);
        const reader = await keyOf(t, owner.client, org.id, ['CONTENT_READ']);
        const series = { contentId, metric: 'VIEWS' as const, from: hourAgo(), to: inAMinute() };

        const { metricSeries } = await metrics.keyed.MetricSeries(series);
        assert.ok(Array.isArray(metricSeries));
        const live = new Stream(metrics.keyed.ContentMetrics({ contentId }));
        assert.equal((await live.next()).contentMetrics.contentId, contentId);
        await live.return();

        const refused = await expectCode(reader.keyed.MetricSeries(series), 'FORBIDDEN');
        assert.deepEqual(
          [reasonOf(refused), refused.errors[0]?.extensions?.missingScope],
          ['MISSING_SCOPE', 'METRICS_READ'],
        );
        const refusedLive = await expectCode(
          new Stream(reader.keyed.ContentMetrics({ contentId })).next(),
          'FORBIDDEN',
        );
        assert.equal(refusedLive.errors[0]?.extensions?.missingScope, 'METRICS_READ');
        // A metrics key reads metrics, not content.
        assert.equal(
          reasonOf(await expectCode(metrics.keyed.Content({ id: contentId }), 'FORBIDDEN')),
          'MISSING_SCOPE',
        );
      },
    );

    it(
      'should allow each scope its fields and refuse them to a key without it, over HTTP and graphql-ws',
      guard,
      async () => {
        const { owner, org, contentId } = await brand('scopes_owner');
        const window = `from: "${hourAgo()}", to: "${inAMinute()}"`;
        const fields: Record<'CONTENT_READ' | 'CONTENT_WRITE' | 'METRICS_READ', string> = {
          CONTENT_READ: '{ contents(first: 1) { edges { node { id } } } }',
          CONTENT_WRITE:
            'mutation { createContent(input: { kind: ARTICLE, title: "t", body: "b" }) { id } }',
          METRICS_READ: `{ metricSeries(contentId: "${contentId}", metric: VIEWS, ${window}) { value } }`,
        };
        const scopes = Object.keys(fields) as (keyof typeof fields)[];
        const keys = new Map<string, string>();
        for (const scope of scopes) {
          keys.set(scope, (await keyOf(t, owner.client, org.id, [scope])).secret);
        }
        type Result = { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] };
        const overWs = async (secret: string, query: string) => {
          const ws = connect(t.server.wsUrl, { 'x-api-key': secret });
          try {
            return await new Promise<Result>((resolve, reject) => {
              ws.client.subscribe(
                { query },
                { next: (v) => resolve(v as never), error: reject, complete: () => undefined },
              );
            });
          } finally {
            await ws.close();
          }
        };
        for (const field of scopes) {
          for (const scope of scopes) {
            const secret = keys.get(scope)!;
            const http = await post(
              t.server.url,
              { query: fields[field] },
              { 'x-api-key': secret },
            );
            const ws = await overWs(secret, fields[field]);
            for (const [via, r] of [
              ['HTTP', http.body as Result],
              ['graphql-ws', ws],
            ] as const) {
              const what = `${field} with a ${scope} key over ${via}`;
              if (scope === field) {
                assert.equal(r.errors, undefined, what);
                assert.ok(r.data, what);
              } else {
                assert.deepEqual(
                  [
                    r.errors?.[0]?.extensions?.code,
                    r.errors?.[0]?.extensions?.reason,
                    r.errors?.[0]?.extensions?.missingScope,
                  ],
                  ['FORBIDDEN', 'MISSING_SCOPE', field],
                  what,
                );
              }
            }
          }
        }
      },
    );

    it(
      "should log a keyed operation with the key's prefix and organisation, never its secret",
      guard,
      async () => {
        const { owner, org } = await brand('logged_owner');
        const key = await keyOf(t, owner.client, org.id, ['CONTENT_READ']);
        const r = await post(
          t.server.url,
          { query: 'query KeyedLogLine { currentOrganization { id } }' },
          { 'x-api-key': key.secret },
        );
        assert.equal(r.status, 200);
        const line = await log.next(
          (l) => l.msg === 'graphql operation' && l.operation === 'KeyedLogLine',
        );
        assert.equal(line.apiKeyPrefix, key.apiKey.prefix);
        assert.equal(line.organizationId, org.id);
        const secretPart = key.secret.slice(key.apiKey.prefix.length + 1);
        assert.equal(
          log.raw.some((raw) => raw.includes(secretPart)),
          false,
          'no log line holds the secret',
        );
      },
    );

    it('should close an open graphql-ws connection of a key when it expires', guard, async () => {
      const { owner, org } = await brand('expiring_owner');
      const key = await keyOf(t, owner.client, org.id, ['CONTENT_READ'], {
        expiresAt: new Date(Date.now() + 1500).toISOString(),
      });
      const ws = connect(t.server.wsUrl, { 'x-api-key': key.secret });
      await ws.connected;
      assert.equal(await ws.closed, 4403);
    });
  });

  describe(`partners: API_KEY_SECRET, apart from JWT_SECRET (${target.name})`, () => {
    it(
      'should keep keys working when JWT_SECRET changes, and refuse them all when API_KEY_SECRET does',
      guard,
      async () => {
        const secrets = (jwt: string, apiKey: string) => ({
          env: { JWT_SECRET: jwt.repeat(32), API_KEY_SECRET: apiKey.repeat(32) },
        });
        // One storage for three servers in turn (a server given `storage` leaves it in place).
        const storage = await target.provision('partners-key-secret');
        const booted = (jwt: string, apiKey: string) =>
          bootServer(target, 'partners-key-secret', { storage, ...secrets(jwt, apiKey) });
        try {
          const first = await booted('j', 'k');
          let secret: string;
          try {
            const owner = await first.user('rotating_owner');
            const org = await organizationOf(owner.client);
            secret = (await keyOf(first, owner.client, org.id, ['CONTENT_READ'])).secret;
          } finally {
            await first.close();
          }
          const ask = async (jwt: string, apiKey: string) => {
            const s = await booted(jwt, apiKey);
            try {
              const r = await post(
                s.server.url,
                { query: '{ currentOrganization { id } }' },
                { 'x-api-key': secret },
              );
              return [r.status, r.body.errors?.[0]?.extensions?.reason];
            } finally {
              await s.close();
            }
          };
          assert.deepEqual(await ask('J', 'k'), [200, undefined]);
          assert.deepEqual(await ask('J', 'K'), [401, 'KEY_INVALID']);
        } finally {
          await storage.drop();
        }
      },
    );
  });
}
