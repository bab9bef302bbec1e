import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { heldRequest, launches } from '../helpers/process.js';
import { connect, freePort, Stream } from '../helpers/ws.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
/** A process that never prints its URL or never exits fails the test instead of the run. */
const guard = { timeout: 60_000 };

describe('process lifecycle (sqlite)', () => {
  const dirs: string[] = [];
  const servers = launches();
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'marquee-lifecycle-'));
    dirs.push(dir);
    return dir;
  };
  const start = (env: Record<string, string>) => servers.launch(env);
  after(() => {
    servers.killAll();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it(
    'should serve health and readiness, then drain on SIGTERM: sockets closed with 1001, the request in flight answered, exit code 0',
    guard,
    async () => {
      const port = await freePort();
      const p = start({ PORT: String(port), DATA_DIR: dataDir(), LOG_LEVEL: 'info' });
      const url = await p.url;
      assert.equal(new URL(url).port, String(port));
      const origin = new URL(url).origin;

      const health = await fetch(`${origin}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      const ready = await fetch(`${origin}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), {
        status: 'ready',
        database: 'ok',
        redis: 'not configured',
      });

      const ws = connect(url.replace(/^http/, 'ws'));
      await ws.connected;
      // The socket serves subscriptions: an unknown content is refused over it.
      const refused = new Stream(
        ws.client.iterate({
          query: `subscription { commentAdded(contentId: "${UNKNOWN_ID}") { id } }`,
        }),
      );
      assert.equal((await refused.next()).errors?.[0]?.extensions?.code, 'NOT_FOUND');
      const feed = new Stream(
        ws.client.iterate({ query: 'subscription { contentPublished { id } }' }),
      );
      const inFlight = heldRequest(url, JSON.stringify({ query: '{ contents { totalCount } }' }));
      await inFlight.accepted;

      p.child.kill('SIGTERM');
      assert.equal(await ws.closed, 1001);
      // The subscription fails with its connection rather than waiting forever.
      await assert.rejects(feed.next());
      // Draining has begun (the sockets are closed), and the held request still completes.
      const response = await inFlight.send();
      assert.equal(response.status, 200);
      assert.deepEqual(JSON.parse(response.body), { data: { contents: { totalCount: 0 } } });
      assert.deepEqual(await p.exited, { code: 0, signal: null });

      const logged = p.stdout.flatMap((line) => {
        try {
          return [JSON.parse(line) as { level: number; msg: string }];
        } catch {
          return [];
        }
      });
      assert.ok(
        logged.some((l) => l.msg === 'draining'),
        'logs that it drains',
      );
      assert.deepEqual(
        logged.filter((l) => l.level >= 50),
        [],
        'logs no error while stopping',
      );
    },
  );

  it(
    'should exit with code 1 and a readable message naming JWT_SECRET when it is missing in production',
    guard,
    async () => {
      const p = start({
        NODE_ENV: 'production',
        PORT: String(await freePort()),
        DATA_DIR: dataDir(),
      });
      assert.deepEqual(await p.exited, { code: 1, signal: null });
      assert.match(p.stderr(), /JWT_SECRET/);
      assert.doesNotMatch(p.stderr(), /^\s+at /m, 'no stack trace');
      assert.equal(p.stdout.length, 0);
    },
  );

  it(
    'should exit with code 1 and a readable message naming PORT when it is invalid',
    guard,
    async () => {
      for (const port of ['http', '65536', '-1', '4.5']) {
        const p = start({ PORT: port, DATA_DIR: dataDir() });
        assert.deepEqual(await p.exited, { code: 1, signal: null }, `PORT=${port}`);
        assert.match(p.stderr(), /\bPORT\b/, `PORT=${port}`);
        assert.doesNotMatch(p.stderr(), /^\s+at /m, `PORT=${port}: no stack trace`);
      }
    },
  );
});
