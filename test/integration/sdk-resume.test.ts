import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { bootServer, type TestServer } from '../helpers/server.js';
import { send } from '../helpers/chat.js';
import { sdkClient } from '../helpers/sdk.js';
import type { Storage } from '../helpers/targets.js';
import { targets } from '../helpers/targets.js';
import { Stream } from '../helpers/ws.js';

// The SDK's chatEvents across server restarts: graphql-ws reconnects with backoff, and the
// SDK resumes after the last message it delivered, so every message arrives exactly once.

const guard = { timeout: 90_000 };
const env = { CHAT_RATE_PER_CONVERSATION: '100000', CHAT_RATE_OVERALL: '100000' };

for (const target of targets()) {
  describe(`SDK chatEvents across a server restart (${target.name})`, () => {
    let storage: Storage | undefined;
    let running: TestServer | undefined;
    after(async () => {
      await running?.close();
      await storage?.drop();
    });

    it(
      'should deliver every message sent before, between and after two restarts exactly once, in order',
      guard,
      async () => {
        storage = await target.provision('sdk-resume');
        running = await bootServer(target, 'sdk-resume', { storage, env });
        const port = new URL(running.server.url).port;
        const ann = await running.user('ann');
        const bob = await running.user('bob');
        const { startConversation: dm } = await ann.client.StartConversation({
          memberIds: [bob.id],
        });
        const first = await send(ann.client, dm.id, 'before the subscription');

        // Bob's own client, not the server's: it outlives every server of this test.
        const live = sdkClient({
          url: running.server.url,
          token: bob.token,
          retryAttempts: 200,
          retryBaseDelayMs: 20,
          retryMaxDelayMs: 200,
        });
        const stream = new Stream(live.ChatEvents({ conversationId: dm.id, after: first.cursor }));
        const sent: string[] = [];
        const sendSome = async (t: TestServer, label: string) => {
          const author = t.client(ann.token);
          for (let i = 0; i < 5; i++)
            sent.push((await send(author, dm.id, `${label} ${i}`)).cursor);
        };
        const received: string[] = [];
        const receive = async (n: number) => {
          while (received.length < n) {
            const { chatEvents: e } = await stream.next();
            assert.equal(e.__typename, 'MessagePosted');
            if (e.__typename === 'MessagePosted') received.push(e.message.cursor);
          }
        };

        await sendSome(running, 'first server');
        await receive(5);

        // Down: the SDK's socket is closed (1001) and its retries are refused. Messages are
        // sent meanwhile through another server on the same storage, which Bob's client
        // does not know: they must come from the database when it resumes.
        await running.close();
        running = await bootServer(target, 'sdk-resume', { storage, env });
        await sendSome(running, 'while away');
        await running.close();

        // Back on the port the client knows; more messages, live or replayed as it happens.
        running = await bootServer(target, 'sdk-resume', { storage, env: { ...env, PORT: port } });
        await sendSome(running, 'after the restart');
        await receive(15);
        assert.deepEqual(received, sent);

        // Nothing repeated after them either: the next event is the next message.
        const last = await send(running.client(ann.token), dm.id, 'the last one');
        const { chatEvents: next } = await stream.next();
        assert.equal(next.__typename === 'MessagePosted' && next.message.cursor, last.cursor);
        await stream.return();
        await live.close();
      },
    );
  });
}
