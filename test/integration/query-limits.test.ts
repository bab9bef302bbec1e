import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getIntrospectionQuery, type GraphQLFormattedError } from 'graphql';
// helpers/server first: it loads reflect-metadata, which the pagination module's decorators need.
import { bootServer, type TestServer } from '../helpers/server.js';
import { LimitReason } from '../../src/errors.js';
import { MAX_PAGE_SIZE } from '../../src/infra/pagination.js';
import { QueryLimits } from '../../src/infra/query-limits.js';
import { committedSchema, sentOperations } from '../helpers/operations.js';
import { post, PRODUCTION } from '../helpers/http.js';
import { targets } from '../helpers/targets.js';
import { connect, type Connection } from '../helpers/ws.js';

// Query depth, aliases, tokens, directives and cost are refused before execution, over HTTP
// and graphql-ws alike; suggestions and introspection are for development.

const guard = { timeout: 60_000 };
const aliases = (n: number, field: string) =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
/** Three levels of pages of 100 (the 247-byte query held the server for 17 s). */
const NESTED = `{ contents(first: 100) { edges { node { id title body author { handle
  contents(first: 100) { edges { node { id title body author { handle
    contents(first: 100) { edges { node { id title body likeCount } } } } } } } } } } } }`;
/** Two levels, within the depth limit, sized by a variable: 10 000 contents with their media. */
const COSTLY = `query ($n: Int) { contents(first: $n) { edges { node { author {
  contents(first: $n) { edges { node { id media { url } } } } } } } } }`;

interface Attack {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  reason: LimitReason;
  limit: number;
}
const attacks = (t: TestServer): Attack[] => {
  const l = t.config.queryLimits;
  return [
    {
      name: 'three nested pages of 100',
      query: NESTED,
      reason: LimitReason.QUERY_TOO_DEEP,
      limit: l.maxDepth,
    },
    {
      name: '10 000 aliases of contents(first: 100)',
      query: aliases(10_000, 'contents(first: 100) { totalCount }'),
      reason: LimitReason.TOO_MANY_TOKENS,
      limit: l.maxTokens,
    },
    {
      name: '2 000 aliases',
      query: aliases(2_000, 'contents(first: 100) { totalCount }'),
      reason: LimitReason.TOO_MANY_TOKENS,
      limit: l.maxTokens,
    },
    {
      name: 'one alias too many',
      query: aliases(l.maxAliases + 1, 'me { id }'),
      reason: LimitReason.TOO_MANY_ALIASES,
      limit: l.maxAliases,
    },
    {
      name: 'one directive too many',
      query: `{ me { ${'id @include(if: true) '.repeat(l.maxDirectives + 1)} } }`,
      reason: LimitReason.TOO_MANY_DIRECTIVES,
      limit: l.maxDirectives,
    },
    {
      name: 'two pages of 100 given by a variable',
      query: COSTLY,
      variables: { n: 100 },
      reason: LimitReason.QUERY_TOO_COSTLY,
      limit: l.maxCost,
    },
  ];
};

function assertRefused(errors: readonly GraphQLFormattedError[] | undefined, a: Attack) {
  assert.equal(errors?.length, 1, JSON.stringify(errors));
  const [e] = errors!;
  assert.equal(e!.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(e));
  assert.equal(e!.extensions?.reason, a.reason, JSON.stringify(e));
  assert.equal(e!.extensions?.limit, a.limit, JSON.stringify(e));
  assert.match(e!.message, new RegExp(`\\b${a.limit}\\b`), e!.message);
}

interface WsReply {
  data?: unknown;
  errors?: readonly GraphQLFormattedError[];
  /** Whether the server answered with an `error` message: the operation never executed. */
  refused: boolean;
}

/** What graphql-ws answers for one operation. */
function over(conn: Connection, query: string, variables?: Record<string, unknown>) {
  return new Promise<WsReply>((resolve, reject) => {
    let result: WsReply = { refused: false };
    conn.client.subscribe(
      { query, variables },
      {
        next: (r) => (result = { ...(r as WsReply), refused: false }),
        error: (e) => (Array.isArray(e) ? resolve({ errors: e, refused: true }) : reject(e)),
        complete: () => resolve(result),
      },
    );
  });
}

const LIMITS = new Set<unknown>(Object.values(LimitReason));
const CHEAP = '{ contents(first: 1) { totalCount } }';
const TYPO = '{ contnts(first: 1) { totalCount } }';
const INTROSPECTION = '{ __schema { queryType { name } } }';

for (const target of targets()) {
  describe(`query limits (${target.name})`, () => {
    let t: TestServer;
    let ws: Connection;
    before(async () => {
      t = await bootServer(target, 'query-limits');
      ws = connect(t.server.wsUrl);
      await ws.connected;
    });
    after(async () => {
      await ws?.close();
      await t?.close();
    });

    it('should let every operation of schema/operations through at the largest page sizes', async () => {
      const limits = new QueryLimits(t.config.queryLimits);
      const schema = committedSchema();
      const operations = sentOperations(schema, MAX_PAGE_SIZE);
      assert.ok(operations.length >= 40, `only ${operations.length} operations found`);
      for (const op of operations) {
        const checked = limits.check(schema, op);
        assert.ok('document' in checked, `${op.name}: ${JSON.stringify(checked)}`);
      }
      // And through the server: whatever the sample ids find, no query is refused by a limit.
      for (const op of operations.filter((o) => o.kind === 'query')) {
        const r = await post(t.server.url, { query: op.query, variables: op.variables });
        for (const e of r.body.errors ?? []) {
          assert.ok(!LIMITS.has(e.extensions?.reason), `${op.name}: ${r.text}`);
          assert.notEqual(e.extensions?.code, 'GRAPHQL_VALIDATION_FAILED', `${op.name}: ${r.text}`);
        }
      }
    });

    it(
      'should refuse each attack over HTTP with 400, before execution, and serve a cheap query right after',
      guard,
      async () => {
        for (const a of attacks(t)) {
          const r = await post(t.server.url, { query: a.query, variables: a.variables });
          assert.equal(r.status, 400, `${a.name}: ${r.text.slice(0, 500)}`);
          // No `data`: execution never started.
          assert.equal('data' in r.body, false, a.name);
          assertRefused(r.body.errors, a);
          const ok = await post(t.server.url, { query: CHEAP });
          assert.equal(ok.status, 200, ok.text);
          assert.equal(
            typeof (ok.body.data?.contents as { totalCount: number }).totalCount,
            'number',
          );
        }
      },
    );

    it(
      'should refuse each attack over graphql-ws, before execution, and serve a cheap query right after on the same socket',
      guard,
      async () => {
        // The costly document with a cheap page first: accepted, and its validation kept for
        // the text (QueryLimits.check); the same text with the costly page is still refused.
        const cheap = await over(ws, COSTLY, { n: 1 });
        assert.equal(cheap.refused, false, JSON.stringify(cheap.errors));
        assert.equal(cheap.errors, undefined, JSON.stringify(cheap.errors));
        for (const a of attacks(t)) {
          // An `error` message, not a `next`: execution never started.
          const r = await over(ws, a.query, a.variables);
          assert.equal(r.refused, true, a.name);
          assertRefused(r.errors, a);
          const ok = await over(ws, CHEAP);
          assert.equal(ok.errors, undefined, JSON.stringify(ok.errors));
          assert.equal(
            typeof (ok.data as { contents: { totalCount: number } }).contents.totalCount,
            'number',
          );
        }
      },
    );
  });

  describe(`suggestions and introspection, development and production (${target.name})`, () => {
    let dev: TestServer;
    let closed: TestServer;
    let open: TestServer;
    before(async () => {
      dev = await bootServer(target, 'query-limits-dev');
      closed = await bootServer(target, 'query-limits-prod', { env: PRODUCTION });
      open = await bootServer(target, 'query-limits-prod-introspection', {
        env: { ...PRODUCTION, GRAPHQL_INTROSPECTION: 'true' },
      });
    });
    after(async () => {
      await dev?.close();
      await closed?.close();
      await open?.close();
    });

    it('should suggest field names in development and hide them in production, over HTTP and graphql-ws', async () => {
      const ws = connect(closed.server.wsUrl);
      const wsDev = connect(dev.server.wsUrl);
      try {
        for (const errors of [
          (await post(dev.server.url, { query: TYPO })).body.errors,
          (await over(wsDev, TYPO)).errors,
        ]) {
          assert.match(
            errors?.[0]?.message ?? '',
            /Did you mean "contents"/,
            JSON.stringify(errors),
          );
        }
        for (const errors of [
          (await post(closed.server.url, { query: TYPO })).body.errors,
          (await over(ws, TYPO)).errors,
        ]) {
          assert.equal(
            errors?.[0]?.extensions?.code,
            'GRAPHQL_VALIDATION_FAILED',
            JSON.stringify(errors),
          );
          assert.match(errors?.[0]?.message ?? '', /Cannot query field "contnts"/);
          assert.doesNotMatch(JSON.stringify(errors), /Did you mean|"contents"/);
        }
      } finally {
        await Promise.all([ws.close(), wsDev.close()]);
      }
    });

    it('should allow introspection in development, refuse it in production by default, and allow it there with GRAPHQL_INTROSPECTION=true, over HTTP and graphql-ws', async () => {
      const ws = connect(closed.server.wsUrl);
      const wsOpen = connect(open.server.wsUrl);
      const wsDev = connect(dev.server.wsUrl);
      try {
        const schema = { __schema: { queryType: { name: 'Query' } } };
        const inDev = await post(dev.server.url, { query: INTROSPECTION });
        assert.deepEqual(inDev.body.data, schema, inDev.text);
        assert.deepEqual((await over(wsDev, INTROSPECTION)).data, schema);
        // The full introspection query (tools, codegen) fits within the cost limit.
        const full = await post(dev.server.url, { query: getIntrospectionQuery() });
        assert.equal(full.body.errors, undefined, full.text.slice(0, 500));
        const fullOverWs = await over(wsDev, getIntrospectionQuery());
        assert.deepEqual(fullOverWs.data, full.body.data);

        const refused = await post(closed.server.url, { query: INTROSPECTION });
        assert.equal(refused.status, 400, refused.text);
        assert.equal(refused.body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
        const overWs = await over(ws, INTROSPECTION);
        assert.equal(overWs.refused, true);
        assert.equal(overWs.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
        // __typename is not introspection of the schema.
        const typename = await post(closed.server.url, { query: '{ __typename }' });
        assert.deepEqual(typename.body.data, { __typename: 'Query' });

        const allowed = await post(open.server.url, { query: INTROSPECTION });
        assert.deepEqual(
          allowed.body.data,
          { __schema: { queryType: { name: 'Query' } } },
          allowed.text,
        );
        assert.deepEqual((await over(wsOpen, INTROSPECTION)).data, allowed.body.data);
      } finally {
        await Promise.all([ws.close(), wsOpen.close(), wsDev.close()]);
      }
    });
  });
}
