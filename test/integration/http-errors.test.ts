import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_PAYLOAD_BYTES } from '../../src/server.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import {
  PRODUCTION,
  type Reply,
  reply,
  post,
  get,
  codeOf,
  assertRequestError,
  assertNoStackTrace,
} from '../helpers/http.js';
import { targets } from '../helpers/targets.js';

// Errors over HTTP: what a client sees when input is wrong or the server fails.

for (const target of targets()) {
  describe(`http errors (${target.name})`, () => {
    let t: TestServer;
    let url: string;
    before(async () => {
      t = await bootServer(target, 'http-errors');
      url = t.server.url;
    });
    after(() => t.close());

    it('should answer variables of the wrong type with BAD_USER_INPUT', async () => {
      const query = 'query($first: Int) { contents(first: $first) { totalCount } }';
      for (const first of ['ten', 1.5, { n: 1 }]) {
        assertRequestError(await post(url, { query, variables: { first } }), 400, 'BAD_USER_INPUT');
      }
      const missing = 'query($id: ID!) { user(id: $id) { id } }';
      assertRequestError(await post(url, { query: missing }), 400, 'BAD_USER_INPUT');
    });

    it('should answer more than 50 bad variable values with BAD_USER_INPUT only', async () => {
      // graphql-js gives up after 50 and adds an error of its own, with no code.
      const query = 'mutation($e: [TrackEventInput!]!) { trackEvents(events: $e) { accepted } }';
      const events = Array.from({ length: 60 }, () => ({ extra: 1 }));
      const r = await post(url, { query, variables: { e: events } });
      assert.equal(r.status, 400);
      assert.ok(r.body.errors!.length > 50);
      assert.deepEqual(
        new Set(r.body.errors!.map((e) => e.extensions?.code)),
        new Set(['BAD_USER_INPUT']),
      );
    });

    it('should refuse an operation name the document does not have as a client error', async () => {
      for (const query of ['{ me { id } }', 'query Mine { me { id } }']) {
        const r = await post(url, { query, operationName: 'Other' });
        assertRequestError(r, 400, 'OPERATION_RESOLUTION_FAILURE');
      }
    });

    it('should refuse a subscription over HTTP and point to WebSocket', async () => {
      const u = await t.user('http_subscriber');
      for (const auth of [{}, { authorization: `Bearer ${u.token}` }] as Record<string, string>[]) {
        const r = await post(url, { query: 'subscription { contentPublished { id } }' }, auth);
        assertRequestError(r, 400, 'BAD_USER_INPUT');
        assert.equal(r.body.errors![0]!.extensions?.reason, 'SUBSCRIPTION_OVER_HTTP');
        assert.match(r.body.errors![0]!.message, /WebSocket/);
      }
    });

    it('should refuse a DateTime variable that is not a real ISO-8601 instant', async () => {
      const u = await t.user('http_dates');
      const { createContent } = await u.client.CreateContent({
        input: { kind: 'ARTICLE', title: 'Dates', body: 'When?' },
      });
      const query =
        'mutation($id: ID!, $at: DateTime) { publishContent(id: $id, at: $at) { status } }';
      const auth = { authorization: `Bearer ${u.token}` };
      for (const at of [
        'yesterday',
        '2099-11-27',
        '2099-11-27T18:00:00',
        '2099-02-30T00:00:00Z',
        '2099-11-27T24:00:00Z',
        '2099-13-01T00:00:00Z',
        1700000000,
      ]) {
        const r = await post(url, { query, variables: { id: createContent.id, at } }, auth);
        assertRequestError(r, 400, 'BAD_USER_INPUT');
        assert.match(r.body.errors![0]!.message, /ISO-8601/, String(at));
      }
      assert.equal((await u.client.Content({ id: createContent.id })).content?.status, 'DRAFT');
      const ok = await post(
        url,
        {
          query:
            'mutation($id: ID!, $at: DateTime) { publishContent(id: $id, at: $at) { status publishedAt } }',
          variables: { id: createContent.id, at: '2099-03-01T01:30:00+02:00' },
        },
        auth,
      );
      assert.deepEqual(ok.body, {
        data: {
          publishContent: { status: 'SCHEDULED', publishedAt: '2099-02-28T23:30:00.000Z' },
        },
      });
    });

    it('should point at a DateTime literal that is not ISO-8601', async () => {
      const line = '  publishContent(id: "x", at: "yesterday") { id }';
      const r = await post(url, { query: `mutation {\n${line}\n}` });
      assertRequestError(r, 400, 'GRAPHQL_VALIDATION_FAILED');
      assert.match(r.body.errors![0]!.message, /ISO-8601/);
      assert.deepEqual(r.body.errors![0]!.locations, [
        { line: 2, column: line.indexOf('"yesterday"') + 1 },
      ]);
    });

    it('should answer 200 with data when only a field fails', async () => {
      const u = await t.user('http_partial');
      const r = await post(url, { query: `{ user(id: "${u.id}") { handle email } }` });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.data, { user: { handle: 'http_partial', email: null } });
      assert.equal(codeOf(r), 'UNAUTHENTICATED');
      assert.deepEqual(r.body.errors![0]!.path, ['user', 'email']);
    });

    it('should answer GET /healthz and /readyz with 200', async () => {
      const base = url.replace(/\/graphql$/, '');
      const health = await reply(await fetch(`${base}/healthz`));
      assert.equal(health.status, 200);
      assert.deepEqual(health.body, { status: 'ok' });
      const ready = await reply(await fetch(`${base}/readyz`));
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body, {
        status: 'ready',
        database: 'ok',
        redis: t.config.redisUrl ? 'ok' : 'not configured',
      });
    });

    it('should put an x-request-id on every response, echoing a sane one', async () => {
      const base = url.replace(/\/graphql$/, '');
      const replies = [
        await reply(await fetch(`${base}/healthz`)),
        await reply(await fetch(`${base}/readyz`)),
        await reply(await fetch(`${base}/no-such-path`)),
        await reply(await fetch(url, { headers: { accept: 'text/html' } })),
        await post(url, { query: '{ me { id } }' }),
        await post(url, '{'),
        await post(url, { query: 'x'.repeat(MAX_PAYLOAD_BYTES) }),
        await post(url, { query: '{ me { id } }' }, { authorization: 'Bearer junk' }),
      ];
      const ids = replies.map((r) => r.headers.get('x-request-id'));
      for (const [i, id] of ids.entries()) assert.match(id ?? '', /^[\w.-]{1,100}$/, `reply ${i}`);
      assert.equal(new Set(ids).size, ids.length, 'every request gets its own id');

      const sane = 'edge-proxy.4f2a_77';
      const echoed = await post(url, { query: '{ me { id } }' }, { 'x-request-id': sane });
      assert.equal(echoed.headers.get('x-request-id'), sane);
      for (const insane of ['two words', 'x'.repeat(101), '<script>', 'a/b']) {
        const r = await post(url, { query: '{ me { id } }' }, { 'x-request-id': insane });
        const id = r.headers.get('x-request-id') ?? '';
        assert.notEqual(id, insane);
        assert.match(id, /^[\w.-]{1,100}$/);
      }
    });

    it('should never send a stack trace', async () => {
      const u = await t.user('http_nostack');
      const replies = [
        await post(url, '{'),
        await post(url, { variables: {} }),
        await post(url, { query: '{ me { id ' }),
        await post(url, { query: '{ me { nope } }' }),
        await post(url, {
          query: 'query($n: Int) { contents(first: $n) { totalCount } }',
          variables: { n: 'x' },
        }),
        await post(url, { query: '{ contents(first: 1000) { totalCount } }' }),
        await post(url, { query: 'mutation { likeContent(id: "x") { id } }' }),
        await post(url, { query: `{ user(id: "${u.id}") { email } }` }),
        await post(url, { query: '{ me { id } }' }, { authorization: 'Bearer junk' }),
        await get(url, { query: '{ me { id } }' }, {}),
      ];
      for (const r of replies) {
        assert.ok(r.body.errors?.length, r.text);
        assertNoStackTrace(r);
      }
    });
  });

  for (const env of ['development', 'production'] as const) {
    describe(`http: unexpected errors in ${env} (${target.name})`, () => {
      const production = env === 'production';
      let t: TestServer;
      let url: string;
      before(async () => {
        // A server of its own: these tests drop tables under it.
        t = await bootServer(target, `http_${env}`, production ? { env: PRODUCTION } : {});
        url = t.server.url;
      });
      after(() => t.close());

      /** Asserts `r` is the client's view of an unexpected error and hides `sql`. */
      function assertInternal(r: Reply, sql: string | undefined, requestId: string) {
        assert.ok(sql, 'the failing statement was seen');
        assert.equal(r.headers.get('x-request-id'), requestId);
        const error = r.body.errors?.[0];
        assert.equal(r.body.errors?.length, 1, r.text);
        assert.deepEqual(error?.extensions, { code: 'INTERNAL_SERVER_ERROR', requestId });
        assertNoStackTrace(r);
        if (production) {
          assert.equal(error?.message, 'Internal server error');
          assert.ok(!r.text.includes(sql), `the response shows the SQL: ${r.text}`);
          assert.doesNotMatch(r.text, /select|no such table|does not exist/i, r.text);
        }
      }

      it('should answer an error in a resolver as INTERNAL_SERVER_ERROR with the request id', async () => {
        const u = await t.user(`${env.slice(0, 4)}_author`);
        const { createContent } = await u.client.CreateContent({
          input: { kind: 'ARTICLE', title: 'Doomed', body: 'Comments will vanish' },
        });
        await u.client.PublishContent({ id: createContent.id });
        await u.client.AddComment({ contentId: createContent.id, body: 'First' });
        await t.server.orm.em.getConnection().execute('drop table comments');

        const requestId = `comments-gone-${env}`;
        t.queries.length = 0;
        const r = await post(
          url,
          {
            query: `{ content(id: "${createContent.id}") { title comments { totalCount edges { node { body } } } } }`,
          },
          { 'x-request-id': requestId },
        );
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(r.body.data, { content: null });
        assert.deepEqual(r.body.errors?.[0]?.path, ['content', 'comments']);
        assertInternal(
          r,
          t.queries.find((q) => /from\W+comments/.test(q)),
          requestId,
        );
      });

      it(`should ${production ? 'not ' : ''}serve GraphiQL to a browser at /graphql`, async () => {
        const r = await reply(await fetch(url, { headers: { accept: 'text/html' } }));
        if (production) {
          assert.doesNotMatch(r.headers.get('content-type') ?? '', /text\/html/);
          assert.doesNotMatch(r.text, /sandbox|graphiql/i);
          assert.ok(r.status >= 400, `status ${r.status}`);
          assert.equal((await fetch(new URL('/ide/graphiql.js', url))).status, 404);
        } else {
          assert.equal(r.status, 200);
          assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
          assert.match(r.text, /<script defer src="\/ide\/graphiql.js">/);
        }
      });

      // Last in this server's life: without the users table no signed-in request can work.
      it('should answer a failure while building the context as INTERNAL_SERVER_ERROR', async () => {
        const u = await t.user(`${env.slice(0, 4)}_ctx`);
        await t.server.orm.em
          .getConnection()
          .execute(target.name === 'sqlite' ? 'drop table users' : 'drop table users cascade');

        const requestId = `users-gone-${env}`;
        t.queries.length = 0;
        const r = await post(
          url,
          { query: '{ me { id } }' },
          { authorization: `Bearer ${u.token}`, 'x-request-id': requestId },
        );
        assert.equal(r.status, 500, r.text);
        assert.equal('data' in r.body, false);
        assertInternal(
          r,
          t.queries.find((q) => /from\W+users/.test(q)),
          requestId,
        );
      });
    });
  }
}
