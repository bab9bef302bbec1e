import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { deferred } from '../helpers/errors.js';
import { post } from '../helpers/http.js';
import { heldRequest, launches } from '../helpers/process.js';
import { targets, type Storage } from '../helpers/targets.js';
import { freePort } from '../helpers/ws.js';

// Drill: SIGTERM to the real process in the middle of a burst of writes from several
// clients, then a second process on the same database.

const guard = { timeout: 120_000 };
const WRITERS = 4;
/** Writes acknowledged before the signal is sent. */
const BEFORE_SIGNAL = 20;
const CREATE = 'mutation($input: CreateContentInput!) { createContent(input: $input) { id } }';
const READ = 'query($id: ID!) { content(id: $id) { id title } }';

type Outcome =
  | { kind: 'refused'; status: number; retryAfter: string | null; code: unknown }
  | { kind: 'socket error'; error: string };

const input = (title: string) => ({ input: { kind: 'ARTICLE', title, body: 'burst' } });

/** The status and `Retry-After` of a WebSocket upgrade the server refuses. */
function refusedUpgrade(wsUrl: string) {
  return new Promise<{ status: number; retryAfter: unknown }>((resolve, reject) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    socket.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] });
      res.resume();
      socket.terminate();
    });
    socket.once('open', () => {
      socket.close();
      reject(new Error('the upgrade was accepted while draining'));
    });
    socket.once('error', (e) => reject(e));
  });
}

for (const target of targets()) {
  describe(`drill: SIGTERM under a write burst (${target.name})`, () => {
    const servers = launches();
    let storage: Storage | undefined;
    const start = async (env: Record<string, string>) => {
      return servers.launch({
        HOST: '127.0.0.1',
        PORT: String(await freePort()),
        LOG_LEVEL: 'warn',
        SHUTDOWN_GRACE_MS: '5000',
        ...storage!.env,
        ...env,
      });
    };
    after(async () => {
      servers.killAll();
      await storage?.drop();
    });

    it(
      'should keep every acknowledged write, finish the request under way, and refuse new ones with 503 and Retry-After while draining',
      guard,
      async () => {
        storage = await target.provision('drill-sigterm');
        const first = await start({});
        const url = await first.url;
        const tokens: string[] = [];
        for (let i = 0; i < WRITERS; i++) {
          const r = await post(url, {
            query: 'mutation($input: SignUpInput!) { signUp(input: $input) { token } }',
            variables: {
              input: {
                email: `writer${i}@example.com`,
                password: 'correct horse battery',
                handle: `writer${i}`,
                displayName: `Writer ${i}`,
              },
            },
          });
          tokens.push((r.body.data as { signUp: { token: string } }).signUp.token);
        }
        const auth = (w: number) => ({ authorization: `Bearer ${tokens[w]}` });

        /** Acknowledged writes: content id -> [writer, title]. */
        const acked = new Map<string, [number, string]>();
        const underWay = deferred<void>();
        const stoppedOnce = deferred<void>();
        // Each writer writes until it is told to go away (or its connection fails).
        const writer = async (w: number): Promise<Outcome> => {
          for (let n = 0; ; n++) {
            const title = `writer ${w} #${n}`;
            let r;
            try {
              r = await post(url, { query: CREATE, variables: input(title) }, auth(w));
            } catch (e) {
              stoppedOnce.resolve();
              return { kind: 'socket error', error: String((e as Error).cause ?? e) };
            }
            const id = (r.body.data?.createContent as { id?: string } | undefined)?.id;
            if (r.status === 200 && id) {
              acked.set(id, [w, title]);
              if (acked.size >= BEFORE_SIGNAL) underWay.resolve();
              continue;
            }
            stoppedOnce.resolve();
            return {
              kind: 'refused',
              status: r.status,
              retryAfter: r.headers.get('retry-after'),
              code: r.body.errors?.[0]?.extensions?.code,
            };
          }
        };
        const burst = Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));

        await underWay.promise;
        // A write the server has taken (headers read) before the signal, its body sent after.
        const held = heldRequest(
          url,
          JSON.stringify({ query: CREATE, variables: input('held across SIGTERM') }),
          auth(0),
        );
        await held.accepted;
        first.child.kill('SIGTERM');
        await stoppedOnce.promise;

        // Draining: still listening, refusing upgrades and readiness, finishing the held write.
        const upgrade = await refusedUpgrade(url.replace(/^http/, 'ws'));
        assert.equal(upgrade.status, 503);
        assert.equal(upgrade.retryAfter, '5');
        const readyz = await fetch(new URL('/readyz', url));
        assert.equal(readyz.status, 503);
        assert.deepEqual(await readyz.json(), { status: 'draining' });
        const response = await held.send();
        assert.equal(response.status, 200, response.body);
        const heldId = (JSON.parse(response.body) as { data: { createContent: { id: string } } })
          .data.createContent.id;
        acked.set(heldId, [0, 'held across SIGTERM']);

        const outcomes = await burst;
        for (const outcome of outcomes) {
          assert.deepEqual(outcome, {
            kind: 'refused',
            status: 503,
            retryAfter: '5',
            code: 'SERVICE_UNAVAILABLE',
          });
        }
        assert.deepEqual(await first.exited, { code: 0, signal: null });
        assert.ok(acked.size > BEFORE_SIGNAL);

        // A new process on the same database has every acknowledged write.
        const second = await start({});
        const again = await second.url;
        const missing: string[] = [];
        const entries = [...acked];
        for (let i = 0; i < entries.length; i += 20) {
          await Promise.all(
            entries.slice(i, i + 20).map(async ([id, [w, title]]) => {
              const r = await post(again, { query: READ, variables: { id } }, auth(w));
              const found = r.body.data?.content as { title: string } | null | undefined;
              if (found?.title !== title) missing.push(`${title} (${id}): ${r.text}`);
            }),
          );
        }
        assert.deepEqual(missing, []);
        second.child.kill('SIGTERM');
        assert.deepEqual(await second.exited, { code: 0, signal: null });
      },
    );
  });
}
