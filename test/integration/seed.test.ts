import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expectCode } from '../helpers/errors.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { freePort } from '../helpers/ws.js';
import { targets, type Storage } from '../helpers/targets.js';

const run = promisify(execFile);
const seedScript = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'src',
  'scripts',
  'seed.js',
);

for (const target of targets()) {
  describe(`seed (${target.name})`, () => {
    let storage: Storage;
    let t: TestServer | undefined;
    before(async () => {
      storage = await target.provision('seed');
    });
    after(async () => {
      await t?.close();
      await storage.drop();
    });

    // PORT: where the seed looks for a running server to send its events to.
    const seed = async (on: Storage = storage, port?: number) =>
      run(process.execPath, [seedScript], {
        env: {
          PATH: process.env.PATH,
          LOG_LEVEL: 'silent',
          PORT: String(port ?? (await freePort())),
          ...on.env,
        },
      });

    /** LAST_HOUR's trending: every seeded content, viewed by the 4 users and 8 visitors. */
    async function assertSeededTrending(server: TestServer) {
      const { trending } = await server.client().Trending({ window: 'LAST_HOUR', first: 10 });
      assert.equal(trending.length, 4, JSON.stringify(trending));
      assert.deepEqual(
        trending.map((i) => i.views),
        [12, 12, 12, 12],
      );
    }

    it('should create demo users, published content and a conversation, and add nothing when run again', async () => {
      const first = await seed();
      assert.match(first.stdout, /Seeded \d+ records/);
      const second = await seed();
      assert.match(second.stdout, /already present/);

      t = await bootServer(target, 'seed', { storage });
      const { contents } = await t.client().Contents({ first: 100 });
      assert.equal(contents.totalCount, 4);
      assert.ok(contents.edges.every((e) => e.node.status === 'PUBLISHED'));
      const liked = contents.edges.reduce((n, e) => n + e.node.likeCount, 0);
      const commented = contents.edges.reduce((n, e) => n + e.node.commentCount, 0);
      assert.equal(liked, 7);
      assert.equal(commented, 4);
      const { logIn } = await t.client().LogIn({
        input: { email: 'ada@demo.marquee.dev', password: 'marquee-demo-password' },
      });
      assert.equal(logIn.user.handle, 'ada');

      const ada = t.client(logIn.token);
      const { conversations } = await ada.Conversations({});
      assert.equal(conversations.edges.length, 1);
      const demo = conversations.edges[0]!.node;
      assert.equal(demo.kind, 'GROUP');
      assert.deepEqual(demo.members.map((m) => m.user.handle).sort(), ['ada', 'grace', 'linus']);
      assert.equal(demo.lastMessage?.author.handle, 'ada');
      assert.equal(demo.unreadCount, 0);
      const { conversation } = await ada.ConversationMessages({ id: demo.id });
      assert.equal(conversation?.messages.edges.length, 4);

      // The seed's views, watches and shares, spread over the last hour, are in the trending
      // of a server started afterwards, and in the totals.
      await assertSeededTrending(t);
      assert.equal(
        contents.edges.reduce((n, e) => n + e.node.viewCount, 0),
        48,
      );
    });

    it('should send its events to a server already running on the seeded database, which shows them at once', async () => {
      const live = await target.provision('seed-live');
      const running = await bootServer(target, 'seed-live', { storage: live });
      try {
        const { trending } = await running.client().Trending({ window: 'LAST_HOUR' });
        assert.deepEqual(trending, []);
        await seed(live, Number(new URL(running.server.url).port));
        await assertSeededTrending(running);
      } finally {
        await running.close();
        await live.drop();
      }
    });

    it('should create a demo admin, print its password once, and let it see the platform view', async () => {
      // Storage of its own: the first test's seed printed the password already.
      const fresh = await target.provision('seed-admin');
      try {
        const env = { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...fresh.env };
        const { stdout } = await run(process.execPath, [seedScript], { env });
        const printed = /Demo admin: (\S+), password "([^"]+)"/.exec(stdout);
        assert.ok(printed, stdout);
        const [, email, password] = printed;
        assert.equal(email, 'admin@marquee.example');
        const again = await run(process.execPath, [seedScript], { env });
        assert.match(again.stdout, /Demo admin: admin@marquee\.example \(its password/);
        assert.equal(again.stdout.includes(password!), false);

        const s = await bootServer(target, 'seed-admin', {
          storage: fresh,
          env: { ADMIN_EMAILS: '' },
        });
        try {
          const { logIn } = await s
            .client()
            .LogIn({ input: { email: email!, password: password! } });
          assert.equal(logIn.user.role, 'ADMIN');
          const admin = s.client(logIn.token);
          const to = new Date().toISOString();
          const from = new Date(Date.now() - 3600_000).toISOString();
          const { metricSeries } = await admin.MetricSeries({ metric: 'VIEWS', from, to });
          assert.ok(Array.isArray(metricSeries));
          // A demo user is not an admin: the same view is refused.
          const ada = await s.client().LogIn({
            input: { email: 'ada@demo.marquee.dev', password: 'marquee-demo-password' },
          });
          await expectCode(
            s.client(ada.logIn.token).MetricSeries({ metric: 'VIEWS', from, to }),
            'FORBIDDEN',
          );
        } finally {
          await s.close();
        }
      } finally {
        await fresh.drop();
      }
    });
  });
}
