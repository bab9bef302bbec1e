import fc from 'fast-check';
import { nastyString } from './scalars.js';

/** A request that is not a well-formed GraphQL-over-HTTP POST. */
export interface RawHttp {
  method: 'POST' | 'GET';
  contentType?: string;
  /** Query string for GET; body text for POST. */
  payload: string;
}

const nest = (open: string, close: string, n: number) => open.repeat(n) + close.repeat(n);
const QUERY = '{ contents(first: 1) { totalCount } }';

/** Not JSON, JSON of the wrong shape, batches, deep nesting, odd content types. */
export function rawHttp(): fc.Arbitrary<RawHttp> {
  const json = (v: unknown) => JSON.stringify(v);
  const post = (payload: string, contentType = 'application/json'): RawHttp => ({
    method: 'POST',
    contentType,
    payload,
  });
  const bodies = fc.oneof(
    nastyString(),
    fc.jsonValue({ maxDepth: 3 }).map(json),
    fc.constantFrom(
      '',
      '{',
      '{"query":',
      'null',
      '[]',
      '[{}]',
      '"query"',
      '{"query": null}',
      '{"query": 1}',
      '{"query": ["{ me { id } }"]}',
      '{"query": "{ me { id } }", "variables": "x"}',
      '{"query": "{ me { id } }", "variables": []}',
      '{"query": "{ me { id } }", "extensions": 1}',
      '{"query": "{ me { id } }", "operationName": 1}',
      '{"query": "query($n: Float) { trending(first: 1) { score } }", "variables": {"n": 1e400}}',
      '{"query": "{ me { id } }", "__proto__": {"query": 1}}',
      json({ extensions: { persistedQuery: { version: 1, sha256Hash: 'x'.repeat(64) } } }),
      json([{ query: QUERY }, { query: QUERY }]),
      json(Array.from({ length: 200 }, () => ({ query: QUERY }))),
      nest('[', ']', 10_000),
      `{"query": "{ me { id } }", "variables": ${nest('{"a":', '}', 5_000).replace(/}$/, '1}')}}`,
      json({
        query: `{ ${nest('contents(first: 2) { edges { node { author { ', '} } } } ', 8)} }`,
      }),
      json({
        query: `{ ${Array.from({ length: 3000 }, (_, i) => `a${i}: __typename`).join(' ')} }`,
      }),
      json({ query: `{ ${'me { id } '.repeat(5000)} }` }),
      json({ query: `{ me ${'@skip(if: false) '.repeat(2000)} { id } }` }),
      json({ query: `{ me { ${nest('... on User { ', '} ', 300)} } }` }),
      json({ query: `{${'['.repeat(5000)}` }),
      json({ query: '{ __schema { types { name fields { name } } } }' }),
      json({ query: 'subscription { trendingChanged { score } }' }),
      json({ query: 'mutation { logIn(input: {email: "a", password: "b"}) { token } }' }),
      json({ query: '{ me { id } } { me { id } }' }),
      json({ query: 'query A { me { id } } query B { me { id } }' }),
      json({ query: 'fragment F on User { ...F } { me { ...F } }' }),
      json({ query: '\u0000' }),
      json({ query: '{ me { id } }', variables: { x: '\u0000' } }),
      'a'.repeat(1_100_000),
      json({ query: `{ user(id: "${'x'.repeat(1_100_000)}") { id } }` }),
    ),
  );
  return fc.oneof(
    { weight: 6, arbitrary: bodies.map((b) => post(b)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            'text/plain',
            'application/graphql',
            'multipart/form-data',
            'application/x-www-form-urlencoded',
            'application/json; charset=latin1',
            '',
          ),
          bodies,
        )
        .map(([ct, b]) => post(b, ct)),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          nastyString(),
          fc.oneof(fc.constant(undefined), nastyString()),
          fc.constantFrom('query', 'mutation'),
        )
        .map(([query, variables, kind]) => ({
          method: 'GET' as const,
          payload: new URLSearchParams({
            query: kind === 'mutation' ? `mutation { likeContent(id: "x") { id } }` : query,
            ...(variables === undefined ? {} : { variables }),
          }).toString(),
        })),
    },
  );
}

/** A graphql-ws session that breaks the protocol: messages sent in order after the socket opens. */
export interface RawWsSession {
  protocol: string | undefined;
  messages: (string | Buffer)[];
}

const INIT = JSON.stringify({ type: 'connection_init' });
const SUB = (id: unknown, payload: unknown) => JSON.stringify({ type: 'subscribe', id, payload });

/**
 * Sessions that start well (the right subprotocol, an init) more often than not, so most
 * get past the handshake: generated subscribes (`ops`, with reused ids), then protocol
 * abuse and garbage.
 */
export function rawWs(
  tokens: string[],
  ops: fc.Arbitrary<{ query: string; variables?: unknown }>,
): fc.Arbitrary<RawWsSession> {
  const token = fc.constantFrom(...tokens, 'garbage', '');
  const subscribe = fc
    .tuple(fc.constantFrom('1', '2', '3'), ops)
    .map(([id, { query, variables }]) => SUB(id, { query, variables }));
  const garbage = fc.oneof(
    nastyString(),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  );
  const message = fc.oneof(
    { weight: 4, arbitrary: subscribe },
    { weight: 1, arbitrary: garbage },
    fc.constantFrom(
      INIT,
      INIT,
      JSON.stringify({ type: 'ping' }),
      JSON.stringify({ type: 'pong', payload: 'x' }),
      JSON.stringify({ type: 'complete', id: 'nope' }),
      JSON.stringify({ type: 'complete' }),
      JSON.stringify({ type: 'connection_ack' }),
      JSON.stringify({ type: 'next', id: '1', payload: {} }),
      JSON.stringify({ type: 'bogus' }),
      JSON.stringify({ type: 'subscribe' }),
      SUB('1', { query: 'subscription { trendingChanged { score } }' }),
      SUB('1', { query: 'subscription { trendingChanged { score } }' }),
      SUB('2', { query: '{ me { id } }', variables: '\u0000' }),
      SUB('3', { query: 'subscription { chatEvents(conversationId: "x") { __typename } }' }),
      SUB('4', { query: '{' }),
      SUB('5', null),
      SUB('6', { query: 1 }),
      SUB('', { query: '{ me { id } }' }),
      SUB({ a: 1 }, { query: '{ me { id } }' }),
      SUB('x'.repeat(10_000), { query: '{ me { id } }' }),
      SUB('7', {
        query: 'subscription { a: trendingChanged { score } b: inboxEvents { __typename } }',
      }),
      SUB('8', { query: '{ me { id } }', extensions: { x: '\uD800' } }),
      '['.repeat(20_000),
      'x'.repeat(1_100_000),
    ),
  );
  const init = fc.oneof(
    { weight: 2, arbitrary: fc.constant(INIT) },
    {
      weight: 3,
      arbitrary: token.map((t) =>
        JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${t}` } }),
      ),
    },
    fc
      .oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.record({ authorization: fc.jsonValue({ maxDepth: 1 }) }),
        fc.record({ anonymousId: nastyString() }),
      )
      .map((payload) => JSON.stringify({ type: 'connection_init', payload })),
  );
  return fc.record({
    protocol: fc.constantFrom<string | undefined>(
      ...Array<string>(8).fill('graphql-transport-ws'),
      'graphql-ws',
      undefined,
    ),
    messages: fc
      .tuple(fc.option(init, { freq: 8 }), fc.array(message, { minLength: 1, maxLength: 6 }))
      .map(([first, rest]) => (first ? [first, ...rest] : rest)),
  });
}
