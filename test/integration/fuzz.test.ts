import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { buildSchema } from 'graphql';
import { bootServer, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';
import { connect } from '../helpers/ws.js';
import { seedPool, type People } from '../helpers/fuzz/fixture.js';
import { fuzzOperation, fuzzRaw, type Viewer } from '../helpers/fuzz/http-runner.js';
import { operations } from '../helpers/fuzz/operations.js';
import type { Pool } from '../helpers/fuzz/pool.js';
import { rawHttp, rawWs } from '../helpers/fuzz/raw.js';
import { fuzzSettings, runs, DEFAULT_HTTP_RUNS } from '../helpers/fuzz/settings.js';
import { Findings } from '../helpers/fuzz/verdict.js';
import { fuzzRawWs, WsViewer } from '../helpers/fuzz/ws-runner.js';

// Thousands of requests generated from the served schema, over HTTP and graphql-ws, as
// anonymous and signed-in clients: none may get a 5xx, an INTERNAL_SERVER_ERROR or a
// socket closed as an internal failure, and the server must be healthy afterwards. Each
// test goes through all its cases and then lists every distinct failure with its shortest
// request; FUZZ_SEED replays a run, FUZZ_RUNS sets the number of HTTP operations.

const settings = fuzzSettings();
const schema = buildSchema(readFileSync('schema/schema.graphql', 'utf8'));
const guard = { timeout: 600_000 };
/** Heap growth after the run beyond which memory counts as exploded (after a full GC). */
const MAX_HEAP_GROWTH_BYTES = 300 * 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

/** Every test draws from its own stream of the one seed, so each is repeatable alone. */
const sample = <T>(arb: fc.Arbitrary<T>, stream: number, numRuns: number) =>
  fc.sample(arb, { seed: settings.seed + stream, numRuns });

const LANES = 4;

/**
 * Runs `cases` in LANES lanes side by side, a viewer's cases always in the same lane and in
 * their generated order: each viewer sees a repeatable sequence, and the run takes a
 * fraction of the time of one lane (the server waits on the database, hashing, sockets).
 */
async function inLanes<T>(
  cases: T[],
  viewerOf: (c: T) => number,
  run: (c: T) => Promise<void>,
): Promise<void> {
  await Promise.all(
    Array.from({ length: LANES }, async (_, lane) => {
      for (const c of cases) if (viewerOf(c) % LANES === lane) await run(c);
    }),
  );
}

console.log(
  `# fuzz seed ${settings.seed} (FUZZ_SEED), ${runs(settings, DEFAULT_HTTP_RUNS)} HTTP operations (FUZZ_RUNS)`,
);

for (const target of targets()) {
  describe(`fuzz (${target.name})`, () => {
    let t: TestServer;
    let people: People;
    let pool: Pool;
    let baselineHeap: number;
    before(async () => {
      t = await bootServer(target, 'fuzz');
      ({ people, pool } = await seedPool(t));
      baselineHeap = heapAfterGc();
    });
    after(() => t.close());

    const httpViewers = (): Viewer[] => [
      { label: 'anonymous', headers: {} },
      { label: 'anonymous with x-anonymous-id', headers: { 'x-anonymous-id': 'fuzz-anonymous-1' } },
      {
        label: 'anonymous with a 5 KB x-anonymous-id',
        headers: { 'x-anonymous-id': 'a'.repeat(5000) },
      },
      { label: 'a bad token', headers: { authorization: 'Bearer not.a.jwt' } },
      // Signed-in viewers twice: most of the schema needs one.
      ...[...Object.entries(people), ...Object.entries(people)].map(([name, p]) => ({
        label: name,
        headers: { authorization: `Bearer ${p.token}` },
      })),
    ];

    it(
      'should answer generated operations over HTTP with no 5xx and no internal error',
      guard,
      async () => {
        const viewers = httpViewers();
        const findings = new Findings(settings.seed);
        const cases = sample(
          fc.tuple(
            operations(schema, pool, ['query', 'mutation', 'subscription']),
            fc.nat(viewers.length - 1),
          ),
          1,
          runs(settings, DEFAULT_HTTP_RUNS),
        );
        await inLanes(
          cases,
          ([, v]) => v,
          ([op, v]) => fuzzOperation(t.server.url, op, viewers[v]!, findings),
        );
        console.log(`# ${findings.summary()}`);
        assert.equal(findings.size, 0, findings.report());
      },
    );

    it('should answer malformed HTTP requests with a 4xx, never a 5xx', guard, async () => {
      const findings = new Findings(settings.seed);
      for (const raw of sample(rawHttp(), 2, runs(settings, 300)))
        await fuzzRaw(t.server.url, raw, findings);
      console.log(`# ${findings.summary()}`);
      assert.equal(findings.size, 0, findings.report());
    });

    it(
      'should answer generated operations over graphql-ws with no internal error or close',
      guard,
      async () => {
        const findings = new Findings(settings.seed);
        const viewers = [
          new WsViewer('anonymous', t.server.wsUrl, undefined, findings),
          new WsViewer(
            'anonymous with anonymousId',
            t.server.wsUrl,
            { anonymousId: 'fuzz-ws-1' },
            findings,
          ),
          ...Object.entries(people).map(
            ([name, p]) =>
              new WsViewer(name, t.server.wsUrl, { authorization: `Bearer ${p.token}` }, findings),
          ),
        ];
        const op = fc.oneof(
          operations(schema, pool, ['subscription']),
          operations(schema, pool, ['query', 'mutation']),
        );
        const cases = sample(fc.tuple(op, fc.nat(viewers.length - 1)), 3, runs(settings, 500));
        await inLanes(
          cases,
          ([, v]) => v,
          ([o, v]) => viewers[v]!.run(o),
        );
        await Promise.all(viewers.map((v) => v.close()));
        console.log(`# ${findings.summary()}`);
        assert.equal(findings.size, 0, findings.report());
      },
    );

    it(
      'should close graphql-ws sessions that break the protocol with a client code',
      guard,
      async () => {
        const findings = new Findings(settings.seed);
        const tokens = Object.values(people).map((p) => p.token);
        const ops = operations(schema, pool, ['subscription', 'query', 'mutation']);
        for (const session of sample(rawWs(tokens, ops), 4, runs(settings, 200))) {
          await fuzzRawWs(t.server.wsUrl, session, findings);
        }
        console.log(`# ${findings.summary()}`);
        assert.equal(findings.size, 0, findings.report());
      },
    );

    it('should still be healthy after the fuzz, with its memory bounded', guard, async () => {
      const health = await fetch(new URL('/healthz', t.server.url));
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      const { contents } = await t.client().Contents({ first: 5 });
      assert.equal(typeof contents.totalCount, 'number');
      assert.equal((await people.cat.client.Me()).me?.id, people.cat.id);
      const ws = connect(t.server.wsUrl, { authorization: `Bearer ${people.cat.token}` });
      await ws.connected;
      for await (const r of ws.client.iterate({ query: '{ me { id } }' })) {
        assert.deepEqual(r, { data: { me: { id: people.cat.id } } });
      }
      await ws.close();
      const growth = heapAfterGc() - baselineHeap;
      assert.ok(
        growth < MAX_HEAP_GROWTH_BYTES,
        `the heap grew by ${Math.round(growth / 2 ** 20)} MB`,
      );
    });
  });
}
