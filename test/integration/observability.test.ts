import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CONTENT_PUBLISHED } from '../../src/modules/content/index.js';
import { publishedTitled, until } from '../helpers/content.js';
import { expectCode } from '../helpers/errors.js';
import { post } from '../helpers/http.js';
import { capturingLogger, scrape, total, type Scrape } from '../helpers/prometheus.js';
import { bootServer, PASSWORD, type TestServer } from '../helpers/server.js';
import { waitForSubscribers } from '../helpers/subscribers.js';
import { targets } from '../helpers/targets.js';
import { connect, Stream } from '../helpers/ws.js';

// /metrics (Prometheus text format, behind METRICS_TOKEN or on METRICS_PORT) and the access
// log: one line per operation, over HTTP and graphql-ws.

const TOKEN = 'metrics-token-for-the-tests';
const OPS = 'marquee_graphql_operation_duration_seconds_count';
const ACTIVE = 'marquee_graphql_subscriptions_active';
const CONNECTIONS = 'marquee_websocket_connections';
const LOG_IN = 'mutation LogIn($input: LogInInput!) { logIn(input: $input) { token } }';
const guard = { timeout: 60_000 };

type Line = Record<string, unknown>;
const isOperation = (l: Line) => l.msg === 'graphql operation';

/** How much a sum of samples grew from `from` to `to`. */
const grew = (from: Scrape, to: Scrape, name: string, labels: Record<string, string>) =>
  total(to, name, labels) - total(from, name, labels);

for (const target of targets()) {
  describe(`observability (${target.name})`, () => {
    const log = capturingLogger();
    let t: TestServer;
    let metricsUrl: string;
    const read = () => scrape(metricsUrl, TOKEN);
    before(async () => {
      t = await bootServer(target, 'observe', {
        env: { METRICS_TOKEN: TOKEN },
        logger: log.logger,
      });
      metricsUrl = new URL('/metrics', t.server.url).toString();
    });
    after(() => t.close());

    /** The access-log lines of operation `name`, waiting for the first. */
    async function linesOf(name: string): Promise<Line[]> {
      await log.next((l) => isOperation(l) && l.operation === name);
      return log.lines.filter((l) => isOperation(l) && l.operation === name);
    }

    // ------------------------------------------------------------ the endpoint

    it('should refuse /metrics without the token, with a wrong one, or not as a bearer', async () => {
      const refused: Record<string, string>[] = [
        {},
        { authorization: 'Bearer not-the-metrics-token' },
        { authorization: TOKEN },
      ];
      for (const headers of refused) {
        const res = await fetch(metricsUrl, { headers });
        const text = await res.text();
        assert.equal(res.status, 401, text);
        assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer /);
        assert.doesNotMatch(text, /marquee_|nodejs_|process_/);
      }
    });

    it('should serve /metrics in the Prometheus text format to the token', async () => {
      const s = await read();
      assert.equal(s.types.get('marquee_graphql_operation_duration_seconds'), 'histogram');
      assert.equal(s.types.get(ACTIVE), 'gauge');
      assert.equal(s.types.get('marquee_graphql_subscription_events_total'), 'counter');
      assert.equal(s.types.get(CONNECTIONS), 'gauge');
      assert.equal(s.types.get('marquee_pubsub_messages_published_total'), 'counter');
      assert.equal(s.types.get('marquee_pubsub_messages_received_total'), 'counter');
      assert.equal(s.types.get('nodejs_eventloop_lag_seconds'), 'gauge');
      assert.ok(total(s, 'nodejs_heap_size_used_bytes') > 0, 'heap in use');
      for (const state of ['used', 'free', 'pending']) {
        const pool = s.samples.filter(
          (x) => x.name === 'marquee_db_pool_connections' && x.labels.state === state,
        );
        assert.equal(pool.length, 1, `pool ${state}`);
        assert.ok(Number.isInteger(pool[0]!.value) && pool[0]!.value >= 0, `pool ${state}`);
      }
    });

    it('should not serve /metrics on the main port without METRICS_TOKEN, and serve METRICS_PORT on 127.0.0.1', async () => {
      const other = await bootServer(target, 'observe-port', { env: { METRICS_PORT: '0' } });
      try {
        assert.equal((await fetch(new URL('/metrics', other.server.url))).status, 404);
        const url = other.server.metricsUrl;
        assert.match(url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
        const s = await scrape(url!);
        assert.equal(s.types.get('marquee_graphql_operation_duration_seconds'), 'histogram');
        assert.equal((await fetch(url!.replace(/\/metrics$/, '/graphql'))).status, 404);
      } finally {
        await other.close();
      }
    });

    // ------------------------------------------------------------ what is counted

    it('should count HTTP operations by name, type and outcome, with their durations', async () => {
      const from = await read();
      const ann = await t.user('obs_ann');
      await ann.client.Me();
      await expectCode(
        t.client().UpdateProfile({ input: { displayName: 'Nobody' } }),
        'UNAUTHENTICATED',
      );
      assert.equal((await post(t.server.url, { query: 'query Broken {' })).status, 400);
      const to = await read();

      const counted = (labels: Record<string, string>) => grew(from, to, OPS, labels);
      const http = { transport: 'http' };
      assert.equal(counted({ ...http, operation: 'SignUp', type: 'mutation', outcome: 'ok' }), 1);
      assert.equal(counted({ ...http, operation: 'Me', type: 'query', outcome: 'ok' }), 1);
      assert.equal(counted({ ...http, operation: 'UpdateProfile', outcome: 'UNAUTHENTICATED' }), 1);
      // A document that does not parse is no operation: its name never becomes a label.
      assert.equal(
        counted({ ...http, operation: '(invalid)', outcome: 'GRAPHQL_PARSE_FAILED' }),
        1,
      );
      assert.equal(counted({ operation: 'Broken' }), 0);
      const bucket = 'marquee_graphql_operation_duration_seconds_bucket';
      assert.equal(
        total(to, bucket, { operation: 'Me', le: '+Inf' }),
        total(to, OPS, { operation: 'Me' }),
      );
    });

    it(
      'should gauge connections and subscriptions, and count subscription events and pub/sub messages',
      guard,
      async () => {
        const author = await t.user('obs_author');
        const from = await read();
        const conn = connect(t.server.wsUrl);
        await conn.connected;

        const query = new Stream(conn.client.iterate({ query: 'query ObsWsMe { me { id } }' }));
        assert.deepEqual(await query.next(), { data: { me: null } });
        const refused = new Stream(
          conn.client.iterate({ query: 'subscription ObsInbox { inboxEvents { __typename } }' }),
        );
        const refusal = (await refused.next()) as { errors?: { extensions?: { code?: string } }[] };
        assert.equal(refusal.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');

        const subscribers = t.server.pubsub.subscriberCount(CONTENT_PUBLISHED);
        const ready = waitForSubscribers(t.server, CONTENT_PUBLISHED, undefined, subscribers + 1);
        const feed = new Stream(
          conn.client.iterate({ query: 'subscription ObsFeed { contentPublished { id } }' }),
        );
        await ready;
        await publishedTitled(author.client, 'Counted');
        await feed.next();
        const during = await read();

        assert.equal(grew(from, during, CONNECTIONS, {}), 1);
        assert.equal(total(during, ACTIVE, { operation: 'ObsFeed' }), 1);
        const ws = { transport: 'ws' };
        assert.equal(
          grew(from, during, OPS, { ...ws, operation: 'ObsWsMe', type: 'query', outcome: 'ok' }),
          1,
        );
        assert.equal(
          grew(from, during, OPS, {
            ...ws,
            operation: 'ObsFeed',
            type: 'subscription',
            outcome: 'ok',
          }),
          1,
        );
        assert.equal(
          grew(from, during, OPS, { ...ws, operation: 'ObsInbox', outcome: 'UNAUTHENTICATED' }),
          1,
        );
        assert.equal(total(during, ACTIVE, { operation: 'ObsInbox' }), 0);
        assert.equal(
          grew(from, during, 'marquee_graphql_subscription_events_total', { operation: 'ObsFeed' }),
          1,
        );
        const topic = { topic: CONTENT_PUBLISHED };
        assert.equal(
          grew(from, during, 'marquee_pubsub_messages_published_total', {
            ...topic,
            outcome: 'ok',
          }),
          1,
        );
        assert.equal(
          grew(from, during, 'marquee_pubsub_messages_received_total', topic),
          subscribers + 1,
        );

        await feed.return();
        await linesOf('ObsFeed');
        assert.equal(total(await read(), ACTIVE, { operation: 'ObsFeed' }), 0);
        await conn.close();
        await until('the connection to be gone', async () => {
          const s = await read();
          return total(s, CONNECTIONS) === total(from, CONNECTIONS) ? s : null;
        });
      },
    );

    it(
      'should keep operation labels bounded: 500 invented names take at most 200',
      guard,
      async () => {
        const from = await read();
        const invented = Array.from(
          { length: 500 },
          () => `Invented_${randomBytes(6).toString('hex')}`,
        );
        for (let i = 0; i < invented.length; i += 25) {
          await Promise.all(
            invented
              .slice(i, i + 25)
              .map((name) => post(t.server.url, { query: `query ${name} { __typename }` })),
          );
        }
        // The SDK's operations keep their own labels, however many names came first.
        await t.client().UserByHandle({ handle: 'obs_ann' });
        const to = await read();

        const labels = new Set(
          to.samples.filter((s) => s.name === OPS).map((s) => s.labels.operation!),
        );
        const custom = [...labels].filter((l) => /^(Invented_|Obs)/.test(l));
        assert.ok(custom.length <= 200, `${custom.length} custom operation labels`);
        assert.ok(
          custom.some((l) => l.startsWith('Invented_')),
          'names under the cap are labels',
        );
        assert.ok(grew(from, to, OPS, { operation: '(other)' }) >= 300);
        assert.equal(grew(from, to, OPS, { operation: 'UserByHandle', outcome: 'ok' }), 1);
      },
    );

    // ------------------------------------------------------------ the access log

    it('should log one line per HTTP operation with its fields, and never variables, passwords or tokens', async () => {
      const bea = await t.user('obs_bea');
      const logIn = (password: string, requestId: string) =>
        post(
          t.server.url,
          { query: LOG_IN, variables: { input: { email: bea.email, password } } },
          { 'x-request-id': requestId },
        );
      const ok = await logIn(PASSWORD, 'obs-login-ok');
      const token = (ok.body.data?.logIn as { token: string }).token;
      await logIn('not the password at all', 'obs-login-wrong');
      await post(
        t.server.url,
        { query: 'query ObsMe { me { id } }' },
        { 'x-request-id': 'obs-me', authorization: `Bearer ${token}` },
      );

      const only = (requestId: string) => {
        const lines = log.lines.filter((l) => isOperation(l) && l.requestId === requestId);
        assert.equal(lines.length, 1, `lines for ${requestId}: ${JSON.stringify(lines)}`);
        const { time: _t, pid: _p, hostname: _h, durationMs, clientAddress, ...rest } = lines[0]!;
        assert.equal(typeof durationMs, 'number');
        assert.ok((durationMs as number) >= 0);
        assert.match(String(clientAddress), /127\.0\.0\.1/);
        return rest;
      };
      const fields = {
        level: 30,
        msg: 'graphql operation',
        transport: 'http',
        apiKeyPrefix: null,
        organizationId: null,
      };
      assert.deepEqual(only('obs-login-ok'), {
        ...fields,
        operation: 'LogIn',
        type: 'mutation',
        outcome: 'ok',
        requestId: 'obs-login-ok',
        viewerId: bea.id,
      });
      assert.deepEqual(only('obs-login-wrong'), {
        ...fields,
        operation: 'LogIn',
        type: 'mutation',
        outcome: 'UNAUTHENTICATED',
        requestId: 'obs-login-wrong',
        viewerId: null,
      });
      assert.deepEqual(only('obs-me'), {
        ...fields,
        operation: 'ObsMe',
        type: 'query',
        outcome: 'ok',
        requestId: 'obs-me',
        viewerId: bea.id,
      });

      const everything = log.raw.join('');
      for (const secret of [PASSWORD, 'not the password at all', token, bea.token, TOKEN]) {
        assert.equal(everything.includes(secret), false, `the log holds ${secret}`);
      }
      assert.doesNotMatch(everything, /"variables"|LogInInput|me \{ id \}/);
    });

    it(
      'should log one line per graphql-ws operation: a query when answered, a subscription when it ends',
      guard,
      async () => {
        const cid = await t.user('obs_cid');
        const author = await t.user('obs_ws_author');
        const conn = connect(t.server.wsUrl, { authorization: `Bearer ${cid.token}` });
        await conn.connected;
        const query = new Stream(conn.client.iterate({ query: 'query ObsWsQuery { me { id } }' }));
        assert.deepEqual(await query.next(), { data: { me: { id: cid.id } } });
        const [answered, ...moreAnswers] = await linesOf('ObsWsQuery');
        assert.equal(moreAnswers.length, 0);
        assert.equal(answered!.transport, 'ws');
        assert.equal(answered!.type, 'query');
        assert.equal(answered!.outcome, 'ok');
        assert.equal(answered!.viewerId, cid.id);
        assert.equal(answered!.apiKeyPrefix, null);
        assert.equal(typeof answered!.requestId, 'string');
        assert.equal(typeof answered!.durationMs, 'number');
        assert.match(String(answered!.clientAddress), /127\.0\.0\.1/);
        assert.equal('events' in answered!, false);

        const subscribers = t.server.pubsub.subscriberCount(CONTENT_PUBLISHED);
        const ready = waitForSubscribers(t.server, CONTENT_PUBLISHED, undefined, subscribers + 1);
        const feed = new Stream(
          conn.client.iterate({ query: 'subscription ObsWsFeed { contentPublished { id } }' }),
        );
        await ready;
        await publishedTitled(author.client, 'Logged');
        await feed.next();
        await publishedTitled(author.client, 'Logged again');
        await feed.next();
        assert.equal(log.lines.filter((l) => l.operation === 'ObsWsFeed').length, 0);
        await feed.return();

        const [ended, ...moreEnds] = await linesOf('ObsWsFeed');
        assert.equal(moreEnds.length, 0);
        assert.equal(ended!.transport, 'ws');
        assert.equal(ended!.type, 'subscription');
        assert.equal(ended!.outcome, 'ok');
        assert.equal(ended!.events, 2);
        assert.equal(ended!.viewerId, cid.id);
        assert.equal(typeof ended!.durationMs, 'number');
        await conn.close();
        assert.equal(log.raw.join('').includes(cid.token), false);
      },
    );
  });
}
