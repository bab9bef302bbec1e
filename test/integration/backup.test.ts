import 'reflect-metadata';
import assert from 'node:assert/strict';
import { MembershipsJob } from '../../src/modules/memberships/index.js';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { until } from '../helpers/content.js';
import type { CreateContentInput } from '../../sdk/src/index.js';
import { sdkClient } from '../helpers/sdk.js';
import {
  ADMIN_EMAIL,
  bootServer,
  PASSWORD,
  type Client,
  type TestServer,
} from '../helpers/server.js';
import { readTables, tableCount } from '../helpers/tables.js';
import { activeCampaign, campaignInput, serve, track } from '../helpers/ads.js';
import { targets, type Storage } from '../helpers/targets.js';

const guard = { timeout: 120_000 };
const scripts = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'scripts');
const KEY = randomBytes(32).toString('base64');
// Message bodies are encrypted with this: the restored server needs the same key.
const CHAT_ENCRYPTION_KEYS = `bk1:${randomBytes(32).toString('base64')}`;
// The first server builds and persists the recommendation model; the one that is backed
// up serves it without rebuilding, so the database holds still while it is compared.
const building = {
  CHAT_ENCRYPTION_KEYS,
  RECS_REBUILD_INTERVAL_MS: '200',
  RECS_POLL_INTERVAL_MS: '100',
  MEMBERSHIP_EXPIRY_INTERVAL_MS: '100',
};
// High chat limits: a test writes messages as fast as it can during a backup.
const serving = {
  CHAT_ENCRYPTION_KEYS,
  RECS_REBUILD_INTERVAL_MS: String(3_600_000),
  CHAT_RATE_PER_CONVERSATION: '1000000',
  CHAT_RATE_OVERALL: '1000000',
};

/** Runs a compiled backup script as `npm run backup/restore` does; never throws. */
function script(
  name: 'backup' | 'restore',
  args: string[],
  storage: Storage,
  key: string | null = KEY,
) {
  const env: Record<string, string> = {
    PATH: process.env.PATH!,
    LOG_LEVEL: 'silent',
    ...storage.env,
    ...serving,
  };
  if (key) env.BACKUP_ENCRYPTION_KEY = key;
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      [join(scripts, `${name}.js`), ...args],
      { env },
      (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Data of every feature, made through the API; returns what the restored server is asked. */
async function populate(t: TestServer) {
  const [ann, bob, cat, mod, admin] = await Promise.all([
    t.user('ann'),
    t.user('bob'),
    t.user('cat'),
    t.user('mod'),
    t.user('admin', { email: ADMIN_EMAIL }),
  ]);
  await admin.client.SetUserRole({ userId: mod.id, role: 'MODERATOR' });
  await ann.client.UpdateProfile({
    input: { bio: 'Fjords and kayaks.', avatarUrl: 'https://cdn.example.com/ann.png' },
  });

  const publish = async (c: Client, input: CreateContentInput, at?: string) => {
    const { createContent } = await c.CreateContent({ input });
    return (await c.PublishContent({ id: createContent.id, at })).publishContent;
  };
  const kayak = await publish(ann.client, {
    kind: 'ARTICLE',
    title: 'Sea kayaking',
    body: 'Fjord walls.',
    tags: ['kayak', 'fjords'],
  });
  const bread = await publish(bob.client, {
    kind: 'IMAGE',
    title: 'Sourdough',
    body: 'Flour.',
    tags: ['bread'],
    media: [
      {
        url: 'https://cdn.example.com/b.png',
        mimeType: 'image/png',
        width: 800,
        height: 600,
        sizeBytes: 1234,
      },
    ],
  });
  const chess = await publish(cat.client, {
    kind: 'VIDEO',
    title: 'Chess openings',
    body: 'The Sicilian.',
    media: [{ url: 'https://cdn.example.com/c.mp4', mimeType: 'video/mp4', durationSeconds: 600 }],
  });
  await publish(
    ann.client,
    { kind: 'ARTICLE', title: 'Next week', body: 'Scheduled.' },
    new Date(Date.now() + 7 * 86_400_000).toISOString(),
  );
  await ann.client.CreateContent({
    input: { kind: 'ARTICLE', title: 'A draft', body: 'Unfinished.' },
  });
  const old = await publish(bob.client, { kind: 'ARTICLE', title: 'Old news', body: 'Archived.' });
  await bob.client.ArchiveContent({ id: old.id });
  await bob.client.AddComment({ contentId: kayak.id, body: 'Beautiful!' });
  await cat.client.AddComment({ contentId: bread.id, body: 'Crusty.' });

  // Co-likes the collaborative model learns: the fans like bread and chess; the probe bread.
  const fans = await Promise.all([1, 2, 3].map((n) => t.user(`fan${n}`)));
  for (const f of fans) {
    await f.client.LikeContent({ id: bread.id });
    await f.client.LikeContent({ id: chess.id });
  }
  const probe = await t.user('probe');
  await probe.client.LikeContent({ id: bread.id });
  await bob.client.LikeContent({ id: kayak.id });
  await bob.client.TrackEvents({
    events: [
      { id: randomUUID(), type: 'VIEW', contentId: chess.id },
      { id: randomUUID(), type: 'WATCH', contentId: chess.id, watchSeconds: 42 },
      { id: randomUUID(), type: 'SHARE', contentId: kayak.id },
    ],
  });
  const anon = sdkClient({
    url: t.server.url,
    headers: { 'x-anonymous-id': 'anon-backup-1' },
  });
  await anon.TrackEvents({ events: [{ id: randomUUID(), type: 'VIEW', contentId: kayak.id }] });
  await anon.close();

  const { startConversation: room } = await ann.client.StartConversation({
    memberIds: [bob.id, cat.id, mod.id],
    title: 'Paddlers',
  });
  const { startConversation: direct } = await ann.client.StartConversation({ memberIds: [bob.id] });
  const hello = (
    await ann.client.SendMessage({
      input: { conversationId: room.id, body: 'Hello, paddlers', clientMessageId: 'c-1' },
    })
  ).sendMessage;
  const reply = (
    await bob.client.SendMessage({
      input: { conversationId: room.id, body: 'Hi Ann', replyToId: hello.id },
    })
  ).sendMessage;
  const typo = (await cat.client.SendMessage({ input: { conversationId: room.id, body: 'Helo' } }))
    .sendMessage;
  await cat.client.EditMessage({ id: typo.id, body: 'Hello (edited)' });
  const gone = (await bob.client.SendMessage({ input: { conversationId: room.id, body: 'Oops' } }))
    .sendMessage;
  await bob.client.DeleteMessage({ id: gone.id });
  await ann.client.React({ messageId: reply.id, emoji: '👍' });
  await cat.client.React({ messageId: hello.id, emoji: '🎉' });
  await ann.client.MarkRead({ conversationId: room.id, cursor: reply.cursor });
  await bob.client.SendMessage({
    input: { conversationId: direct.id, body: 'Just us, in secret' },
  });
  await mod.client.LeaveConversation({ id: room.id });
  await cat.client.BlockUser({ userId: fans[0]!.id });

  // Memberships: a free tier with a member, a paid one with a pending checkout, gated content.
  const free = (
    await ann.client.CreateTier({
      input: { name: 'Paddlers', price: { amountMinor: 0, currency: 'NOK' } },
    })
  ).createTier;
  const paid = (
    await ann.client.CreateTier({
      input: { name: 'Guides', price: { amountMinor: 9900, currency: 'NOK' } },
    })
  ).createTier;
  await cat.client.JoinTier({ tierId: free.id });
  const { checkoutUrl } = (await bob.client.JoinTier({ tierId: paid.id })).joinTier;
  // The test provider's checkout page completes the payment: a signed event, recorded once.
  const paidUp = await fetch(checkoutUrl!, { method: 'POST' });
  assert.equal(paidUp.status, 200, await paidUp.text());
  await publish(ann.client, {
    kind: 'ARTICLE',
    title: 'Guides only',
    body: 'Where the seals sleep.',
    visibility: 'TIERS',
    tierIds: [paid.id],
  });

  await until(
    'the model that knows the co-likes to be persisted',
    async () => {
      const list = (await probe.client.RecommendedContents({ first: 10 })).recommendedContents;
      return list.some((r) => r.content.id === chess.id && r.reason === 'COLLABORATIVE') || null;
    },
    400,
  );
  // Partners: an organisation with a member and a key that has been used.
  const { createOrganization: org } = await ann.client.CreateOrganization({
    input: { name: 'Fjord Paddles', slug: 'fjord_paddles' },
  });
  await ann.client.AddOrganizationMember({ organizationId: org.id, userId: bob.id });
  const { createApiKey } = await ann.client.CreateApiKey({
    organizationId: org.id,
    input: { name: 'Site', scopes: ['CONTENT_READ'] },
  });
  const keyed = await fetch(t.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': createApiKey.secret },
    body: JSON.stringify({ query: '{ currentOrganization { id } }' }),
  });
  assert.equal(keyed.status, 200);
  // Ads: an active campaign with a creative, one impression tracked (and clicked).
  const campaign = await activeCampaign(ann.client, org.id, campaignInput(Date.now()));
  const [ad] = await serve(bob.client);
  assert.ok(ad, `campaign ${campaign.id} is served`);
  assert.deepEqual(await track(bob.client, [ad.impressionToken]), { accepted: 1, rejected: 0 });
  assert.deepEqual(await track(bob.client, [ad.impressionToken], 'CLICK'), {
    accepted: 1,
    rejected: 0,
  });

  await until(
    'the membership expiry job to have claimed its row once',
    async () => (await t.server.orm.em.fork().count(MembershipsJob, {})) > 0 || null,
  );
  return { bread, chess, room, direct, hello };
}

for (const target of targets()) {
  describe(`backup and restore (${target.name})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'marquee-backups-'));
    const file = join(dir, 'marquee.backup');
    const storages: Storage[] = [];
    const servers: TestServer[] = [];
    let source: Storage;
    let running: TestServer;
    let made: Awaited<ReturnType<typeof populate>>;
    const fresh = async (label: string) => {
      const s = await target.provision(label);
      storages.push(s);
      return s;
    };

    before(async () => {
      source = await fresh('backup-src');
      const builder = await bootServer(target, 'backup-src', { storage: source, env: building });
      servers.push(builder);
      made = await populate(builder);
      await builder.close();
      servers.pop();
      running = await bootServer(target, 'backup-src', { storage: source, env: serving });
      servers.push(running);
    });
    after(async () => {
      for (const s of servers) await s.close();
      for (const s of storages) await s.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('should refuse to run without BACKUP_ENCRYPTION_KEY', guard, async () => {
      const out = await script('backup', [file], source, null);
      assert.equal(out.code, 1, out.stderr);
      assert.match(out.stderr, /BACKUP_ENCRYPTION_KEY is not set/);
      assert.equal(existsSync(file), false);
    });

    it(
      'should back up the running server and restore every row of every table into an empty database',
      guard,
      async () => {
        const backedUp = await script('backup', [file], source);
        assert.equal(backedUp.code, 0, backedUp.stderr);
        assert.match(backedUp.stdout, /Backed up the (sqlite|postgresql) database/);
        const bytes = readFileSync(file);
        assert.equal(bytes.subarray(0, 4).toString(), 'MQBK');
        assert.equal((backedUp.stdout + backedUp.stderr).includes(KEY), false);

        const target2 = await fresh('backup-dst');
        assert.equal(await tableCount(target2), 0);
        const restored = await script('restore', [file], target2);
        assert.equal(restored.code, 0, restored.stderr);

        const [before, after] = [await readTables(source), await readTables(target2)];
        assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
        assert.ok(before.has('mikro_orm_migrations') && before.has('rec_models'));
        for (const [table, rows] of before) {
          assert.deepEqual(after.get(table), rows, `table ${table} differs`);
        }
        // Every feature's tables hold data (so the comparison above compared something).
        const empty = [...before].filter(([, rows]) => rows.length === 0).map(([t]) => t);
        assert.deepEqual(empty, []);

        const restoredServer = await bootServer(target, 'backup-dst', {
          storage: target2,
          env: serving,
        });
        servers.push(restoredServer);
        const { logIn } = await restoredServer
          .client()
          .LogIn({ input: { email: 'ann@example.com', password: PASSWORD } });
        const ann = restoredServer.client(logIn.token);
        const { conversation } = await ann.ConversationMessages({ id: made.room.id });
        assert.deepEqual(
          conversation?.messages.edges.map((e) => e.node.body),
          ['Hello, paddlers', 'Hi Ann', 'Hello (edited)', null],
        );
        const direct = (await ann.ConversationMessages({ id: made.direct.id })).conversation;
        assert.equal(direct?.messages.edges[0]?.node.body, 'Just us, in secret');
        // The persisted recommendation model serves at once (this server does not rebuild).
        const probe = (
          await restoredServer
            .client()
            .LogIn({ input: { email: 'probe@example.com', password: PASSWORD } })
        ).logIn;
        const recs = (await restoredServer.client(probe.token).RecommendedContents({ first: 10 }))
          .recommendedContents;
        assert.equal(recs.find((r) => r.content.id === made.chess.id)?.reason, 'COLLABORATIVE');
      },
    );

    it(
      'should refuse a backup under another key, and leave the database empty',
      guard,
      async () => {
        const target3 = await fresh('backup-key');
        const out = await script('restore', [file], target3, randomBytes(32).toString('base64'));
        assert.equal(out.code, 1, out.stderr);
        assert.match(out.stderr, /was encrypted with another key/);
        assert.equal(await tableCount(target3), 0);
      },
    );

    it('should refuse a modified backup, and leave the database empty', guard, async () => {
      const original = readFileSync(file);
      const target4 = await fresh('backup-tamper');
      // A byte of the nonce (header), of the ciphertext, and of the tag; then a cut file.
      const variants = [14 + 4, Math.floor(original.length / 2), original.length - 1].map((at) => {
        const copy = Buffer.from(original);
        copy[at]! ^= 0x01;
        return copy;
      });
      variants.push(original.subarray(0, original.length - 100));
      for (const [i, bytes] of variants.entries()) {
        const tampered = join(dir, `tampered-${i}.backup`);
        writeFileSync(tampered, bytes);
        const out = await script('restore', [tampered], target4);
        assert.equal(out.code, 1, out.stderr);
        assert.match(
          out.stderr,
          /failed authentication: it was modified or damaged/,
          `variant ${i}`,
        );
        assert.equal(await tableCount(target4), 0);
      }
    });

    it('should refuse to restore into a database that is not empty', guard, async () => {
      const before = await readTables(source);
      const out = await script('restore', [file], source);
      assert.equal(out.code, 1, out.stderr);
      assert.match(out.stderr, /is not empty .* pass --force/);
      assert.deepEqual(await readTables(source), before);
    });

    it('should take a consistent backup while messages are being written', guard, async () => {
      const { logIn } = await running.client().LogIn({
        input: { email: 'ann@example.com', password: PASSWORD },
      });
      const ann = running.client(logIn.token);
      let acknowledged = 0;
      let stop = false;
      const writing = (async () => {
        while (!stop) {
          await ann.SendMessage({
            input: { conversationId: made.room.id, body: `burst ${acknowledged}` },
          });
          acknowledged++;
        }
      })();
      await until('the first writes of the burst', async () => acknowledged >= 3 || null);
      const before = acknowledged;
      const burst = join(dir, 'burst.backup');
      const out = await script('backup', [burst], source);
      stop = true;
      await writing;
      assert.equal(out.code, 0, out.stderr);

      const restoredStorage = await fresh('backup-burst');
      const restored = await script('restore', [burst], restoredStorage);
      assert.equal(restored.code, 0, restored.stderr);
      const tables = await readTables(restoredStorage);
      const parse = (t: string) =>
        tables.get(t)!.map((r) => JSON.parse(r) as Record<string, unknown>);
      // Each message and its conversation's counter are written in one transaction: a
      // snapshot of one moment shows every conversation's numbers 1..last_seq, no gap.
      for (const c of parse('conversations')) {
        const seqs = parse('messages')
          .filter((m) => m.conversation_id === c.id)
          .map((m) => Number(m.seq))
          .sort((a, b) => a - b);
        assert.deepEqual(
          seqs,
          Array.from({ length: Number(c.last_seq) }, (_, i) => i + 1),
        );
      }
      const bursts = parse('messages').filter((m) => m.conversation_id === made.room.id).length - 4;
      assert.ok(
        bursts >= before,
        `${bursts} burst messages restored, ${before} acknowledged before the backup`,
      );
    });
  });
}
