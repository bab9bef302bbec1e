import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { CHAT_EVENTS } from '../../src/modules/chat/index.js';
import { expectCode } from '../helpers/errors.js';
import { chatSuite, cx, freshDirect, group, send } from '../helpers/chat.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { targets, type Storage } from '../helpers/targets.js';

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

async function rawMessage(t: TestServer, id: string) {
  const rows = (await t.server.orm.em
    .getConnection()
    .execute('select * from messages where id = ?', [id])) as Record<string, unknown>[];
  assert.equal(rows.length, 1);
  return rows[0]!;
}

describe('chat configuration', () => {
  it('should refuse malformed CHAT_ENCRYPTION_KEYS and require them in production', () => {
    for (const bad of [
      'nokey',
      'a:short',
      `:${randomBytes(32).toString('base64')}`,
      `${key('a')},${key('a')}`,
    ]) {
      assert.throws(() => loadConfig({ CHAT_ENCRYPTION_KEYS: bad }), ConfigError, bad);
    }
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }),
      /CHAT_ENCRYPTION_KEYS: is required/,
    );
    const config = loadConfig({ CHAT_ENCRYPTION_KEYS: `${key('k2')}, ${key('k1')}` });
    assert.deepEqual(
      config.chatEncryptionKeys.map((k) => [k.id, k.key.length]),
      [
        ['k2', 32],
        ['k1', 32],
      ],
    );
    assert.equal(loadConfig({}).chatKeyIsDevelopmentDefault, true);
  });
});

for (const target of targets()) {
  describe(`chat rate limits and typing (${target.name})`, () => {
    chatSuite(target, 'chat-abuse', {
      CHAT_RATE_PER_CONVERSATION: '3',
      CHAT_RATE_PER_CONVERSATION_WINDOW_SECONDS: '3600',
      CHAT_RATE_OVERALL: '5',
      CHAT_RATE_OVERALL_WINDOW_SECONDS: '3600',
    });

    it('should limit messages per conversation and overall, with retryAfter', async () => {
      const { a, b, conversation } = await freshDirect('rate');
      for (let i = 0; i < 3; i++) {
        await send(a.client, conversation.id, `r${i}`, { clientMessageId: `r${i}` });
      }
      const limited = await expectCode(send(a.client, conversation.id, 'r3'), 'RATE_LIMITED');
      const retryAfter = limited.errors[0]?.extensions?.retryAfter as number;
      assert.ok(retryAfter >= 1 && retryAfter <= 3600, String(retryAfter));
      // A retry of a stored message is not a new message.
      const resent = await send(a.client, conversation.id, 'r0', { clientMessageId: 'r0' });
      assert.equal(resent.body, 'r0');
      // Others are not limited by a's messages.
      await send(b.client, conversation.id, 'still fine');

      const g = await group(a, [b, cx.cat]);
      await send(a.client, g.id, 'fourth overall');
      await send(a.client, g.id, 'fifth overall');
      await expectCode(send(a.client, g.id, 'sixth overall'), 'RATE_LIMITED');
      const { conversation: seen } = await b.client.ConversationMessages({ id: conversation.id });
      assert.equal(seen!.messages.edges.length, 4);
    });

    it('should publish typing to the conversation without storing it, for members only', async () => {
      const g = await group(cx.ann, [cx.bob]);
      const events = await cx.t.server.pubsub.listen(CHAT_EVENTS, g.id);
      try {
        cx.t.queries.length = 0;
        const { setTyping } = await cx.bob.client.SetTyping({ conversationId: g.id, typing: true });
        assert.equal(setTyping, true);
        assert.ok(
          cx.t.queries.every((q) => /^\s*select/i.test(q)),
          `typing must not be stored: ${cx.t.queries.join('\n')}`,
        );
        const { value } = await events.next();
        assert.ok(value?.type === 'typing');
        assert.deepEqual(
          { ...value, user: value.user.id },
          { type: 'typing', conversationId: g.id, user: cx.bob.id, typing: true },
        );
      } finally {
        await events.return?.();
      }
      await expectCode(
        cx.cat.client.SetTyping({ conversationId: g.id, typing: true }),
        'NOT_FOUND',
      );
      await expectCode(
        cx.t.client().SetTyping({ conversationId: g.id, typing: true }),
        'UNAUTHENTICATED',
      );
    });
  });

  describe(`chat encryption at rest (${target.name})`, () => {
    let storage: Storage;
    const servers: TestServer[] = [];
    const oldKey = key('old');
    const newKey = key('new');
    const boot = async (keys: string) => {
      const t = await bootServer(target, 'chat-crypto', {
        storage,
        env: { CHAT_ENCRYPTION_KEYS: keys },
      });
      servers.push(t);
      return t;
    };
    before(async () => {
      storage = await target.provision('chat-crypto');
    });
    after(async () => {
      for (const t of servers) await t.close();
      await storage.drop();
    });

    it('should store no plaintext, and read old messages after a key rotation', async () => {
      const first = await boot(oldKey);
      const [a, b] = await Promise.all([first.user('crypt_a'), first.user('crypt_b')]);
      const { startConversation: c } = await a.client.StartConversation({ memberIds: [b.id] });
      const secret = 'the launch code is swordfish';
      const m1 = await send(a.client, c.id, secret);
      const row1 = await rawMessage(first, m1.id);
      assert.equal(row1.key_id, 'old');
      const raw = JSON.stringify(row1);
      for (const needle of [secret, 'swordfish', Buffer.from(secret).toString('base64')]) {
        assert.ok(!raw.includes(needle), `plaintext in the row: ${raw}`);
      }
      const edited = await a.client.EditMessage({ id: m1.id, body: `${secret}, edited` });
      assert.ok(!JSON.stringify(await rawMessage(first, m1.id)).includes('swordfish'));
      assert.equal(edited.editMessage.body, `${secret}, edited`);
      await first.close();

      // Rotation: the new key first seals, the old one still opens.
      const second = await boot(`${newKey},${oldKey}`);
      const reader = second.client(b.token);
      const m2 = await send(second.client(a.token), c.id, 'sealed with the new key');
      const { conversation } = await reader.ConversationMessages({ id: c.id });
      assert.deepEqual(
        conversation!.messages.edges.map((e) => e.node.body),
        [`${secret}, edited`, 'sealed with the new key'],
      );
      assert.equal((await rawMessage(second, m2.id)).key_id, 'new');
      await second.close();

      // Without the old key, its messages cannot be read: the key id really decides.
      const third = await boot(newKey);
      const only = await third.client(b.token).Conversation({ id: c.id });
      assert.equal(only.conversation?.lastMessage?.body, 'sealed with the new key');
      await expectCode(
        third.client(b.token).ConversationMessages({ id: c.id }),
        'INTERNAL_SERVER_ERROR',
      );
    });
  });
}
