import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { post, type Reply } from '../helpers/http.js';
import {
  postgresServer,
  withoutPostgresServer,
  type PostgresServer,
} from '../helpers/postgres-server.js';
import { capturingLogger } from '../helpers/prometheus.js';
import { eventually } from '../helpers/redis-server.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';
import { connect } from '../helpers/ws.js';

// Drill: PostgreSQL crashes (immediate shutdown) and comes back under a running server
// that is serving reads and writes. On a cluster of this file's own: the shared one
// serves the other test files.

const guard = { timeout: 120_000 };
const LOADERS = 3;
const CREATE = 'mutation($input: CreateContentInput!) { createContent(input: $input) { id } }';
const READ = 'query($id: ID!) { content(id: $id) { id title } }';
const COUNT = '{ contents { totalCount } }';
const input = (title: string) => ({ input: { kind: 'ARTICLE', title, body: 'load' } });

/** What one request ended as: `ok`, or the status and code it was refused with. */
function outcome(r: Reply): string {
  if (r.status === 200 && !r.body.errors) return 'ok';
  const e = r.body.errors?.[0]?.extensions;
  // An unexpected error's message (kept outside production) says what was not recognised.
  const detail = e?.code === 'INTERNAL_SERVER_ERROR' ? ` ${r.body.errors?.[0]?.message}` : '';
  return `${r.status}${detail} ${String(e?.code)} ${String(e?.reason)} retry-after=${r.headers.get('retry-after')}`;
}
const UNAVAILABLE = '503 SERVICE_UNAVAILABLE DATABASE_UNAVAILABLE retry-after=5';

for (const target of targets()) {
  const skip =
    target.name !== 'postgresql+redis'
      ? 'a PostgreSQL drill: SQLite is a file in the process, it cannot go away'
      : withoutPostgresServer();
  describe(`drill: PostgreSQL restarted under load (${target.name})`, { skip }, () => {
    let pg: PostgresServer | undefined;
    let t: TestServer | undefined;
    // What the server logs: an unexpected error's line says what was not recognised.
    const log = capturingLogger();
    before(async () => {
      pg = await postgresServer();
      await pg.start();
      t = await bootServer(target, 'drill-pg-restart', {
        logger: log.logger,
        env: {
          DATABASE_URL: pg.url,
          DATABASE_ACQUIRE_TIMEOUT_MS: '2000',
          SCHEDULER_INTERVAL_MS: '1000',
        },
      });
    });
    after(async () => {
      try {
        await t?.close();
      } finally {
        await pg?.destroy();
      }
    });

    const readyz = async () => {
      const r = await fetch(new URL('/readyz', t!.server.url));
      return { status: r.status, database: ((await r.json()) as { database: string }).database };
    };

    it(
      'should answer SERVICE_UNAVAILABLE with 503 and Retry-After while it is down, never hang or exit, and serve reads and writes again once it is back',
      guard,
      async () => {
        const url = t!.server.url;
        const { token } = await t!.user('drill_pg');
        const auth = { authorization: `Bearer ${token}` };
        const before = await post(url, { query: CREATE, variables: input('before') }, auth);
        assert.equal(outcome(before), 'ok', before.text);
        const beforeId = (before.body.data!.createContent as { id: string }).id;

        // Reads and writes keep coming, anonymous and signed in, through the whole drill.
        let loading = true;
        const seen = new Map<string, number>();
        const load = async (i: number) => {
          for (let n = 0; loading; n++) {
            const body =
              n % 2 ? { query: COUNT } : { query: CREATE, variables: input(`load ${i} ${n}`) };
            let o: string;
            try {
              o = outcome(await post(url, body, n % 2 ? {} : auth));
            } catch (e) {
              o = `socket error ${String((e as Error).cause ?? e)}`;
            }
            seen.set(o, (seen.get(o) ?? 0) + 1);
            // Paced: refusals come back at once, and two cores serve every test file.
            await new Promise((r) => setTimeout(r, 20));
          }
        };
        const loaders = Promise.all(Array.from({ length: LOADERS }, (_, i) => load(i)));
        try {
          await eventually('the load to run', async () => (seen.get('ok') ?? 0) >= 10);

          await pg!.kill();
          await eventually('the load to see the outage', async () => seen.has(UNAVAILABLE));
          // Every kind of request is told the same while the database is away.
          const read = await post(url, { query: READ, variables: { id: beforeId } });
          assert.equal(outcome(read), UNAVAILABLE, read.text);
          const write = await post(url, { query: CREATE, variables: input('during') }, auth);
          assert.equal(outcome(write), UNAVAILABLE, write.text);
          assert.doesNotMatch(read.text + write.text, /ECONNREFUSED|select|insert|postgres/i);
          // A signed-in WebSocket is refused as an outage (4503: its client retries), not as a
          // bad token (4403) nor as an internal error (4500).
          const socket = connect(t!.server.wsUrl, { authorization: `Bearer ${token}` });
          assert.equal(await socket.closed, 4503);
          await socket.close();
          assert.deepEqual(await readyz(), { status: 503, database: 'down' });

          await pg!.start();
          await eventually('/readyz to report the database back', async () => {
            const r = await readyz();
            return r.status === 200 && r.database === 'ok';
          });
          // The same process serves again: what was written before is there, writes succeed.
          const again = await post(url, { query: READ, variables: { id: beforeId } }, auth);
          assert.equal(outcome(again), 'ok', again.text);
          assert.equal((again.body.data!.content as { title: string }).title, 'before');
          const after = await post(url, { query: CREATE, variables: input('after') }, auth);
          assert.equal(outcome(after), 'ok', after.text);
          const okBefore = seen.get('ok') ?? 0;
          await eventually(
            'the load to succeed again',
            async () => (seen.get('ok') ?? 0) > okBefore,
          );
        } finally {
          loading = false;
          await loaders;
        }
        assert.deepEqual(
          [...seen.keys()].sort(),
          ['ok', UNAVAILABLE].sort(),
          `every request succeeded or was told to retry: ${JSON.stringify([...seen])}; ` +
            `errors logged: ${log.raw.filter((l) => JSON.parse(l).level >= 50).join('')}`,
        );
      },
    );
  });
}
