import { loadConfig } from '../../src/config.js';
import { CHAT_EVENTS } from '../../src/modules/chat/index.js';
import { CONTENT_ACTIVITY } from '../../src/modules/content/index.js';
import { startServer } from '../../src/server.js';
import type { MarqueeClient } from '../../sdk/src/index.js';
import { sdkClient } from '../../test/helpers/sdk.js';
import { sqliteBackend } from '../support/backends.js';
import { waitForSubscribers, waitForSubscribersAtMost } from '../../test/helpers/subscribers.js';

/**
 * SQL statements the server runs per delivered event, per kind of subscriber: what grows
 * with the number of subscribers. In-process (the server's `onQuery` counts statements),
 * on the embedded SQLite database; the ORM issues the same statements on PostgreSQL.
 *
 * Per case: the statements of one event with K subscribers, less those of one event with
 * none, over K. Every subscription is first seen live (it received an event) before
 * counting, so none of its set-up is counted.
 */
const K = 10;

export interface SqlFigure {
  subscriber: string;
  perDelivery: number;
}

export async function sqlPerDelivery(): Promise<SqlFigure[]> {
  const storage = sqliteBackend();
  let statements = 0;
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    SCHEDULER_INTERVAL_MS: '86400000',
    ...storage.env,
  });
  const server = await startServer(config, { onQuery: () => statements++ });
  const clients: MarqueeClient[] = [];
  const client = (token: string | null) => {
    const c = sdkClient({ url: server.url, token });
    clients.push(c);
    // Holds the client's WebSocket open: a socket closing between cases would announce
    // presence (statements) while the next case counts. Nothing is published meanwhile.
    void c.ContentPublished({})[Symbol.asyncIterator]().next();
    return c;
  };
  try {
    const anonymous = client(null);
    const signUp = async (handle: string) => {
      const { signUp: s } = await anonymous.SignUp({
        input: {
          email: `${handle}@probe.bench`,
          password: 'probe password',
          handle,
          displayName: handle,
        },
      });
      return { id: s.user.id, client: client(s.token) };
    };
    const ann = await signUp('ann');
    const bob = await signUp('bob');
    const { startConversation } = await ann.client.StartConversation({ memberIds: [bob.id] });
    const conversationId = startConversation.id;
    const { createContent } = await ann.client.CreateContent({
      input: { kind: 'ARTICLE', title: 'Probe', body: 'Probe' },
    });
    const contentId = createContent.id;
    await ann.client.PublishContent({ id: contentId });

    const message = async () => {
      await ann.client.SendMessage({ input: { conversationId, body: 'probe' } });
    };
    const comment = async () => {
      await ann.client.AddComment({ contentId, body: 'probe' });
    };
    const cases: [string, () => AsyncIterable<unknown>, boolean][] = [
      ['chatEvents, a member', () => bob.client.ChatEvents({ conversationId }), true],
      ['chatEvents, the sender', () => ann.client.ChatEvents({ conversationId }), true],
      ['commentAdded, signed in', () => bob.client.CommentAdded({ contentId }), false],
      ['commentAdded, anonymous', () => anonymous.CommentAdded({ contentId }), false],
      ['commentAdded, the commenter', () => ann.client.CommentAdded({ contentId }), false],
    ];
    const figures: SqlFigure[] = [];
    for (const [subscriber, subscribe, chat] of cases) {
      const [topic, id, trigger] = chat
        ? ([CHAT_EVENTS, conversationId, message] as const)
        : ([CONTENT_ACTIVITY, contentId, comment] as const);
      const count = async (k: number) => {
        const streams = Array.from({ length: k }, () => subscribe()[Symbol.asyncIterator]());
        const live = streams.map((s) => s.next());
        await waitForSubscribers(server, topic, id, k);
        await trigger();
        await Promise.all(live);
        statements = 0;
        await trigger();
        await Promise.all(streams.map((s) => s.next()));
        const counted = statements;
        await Promise.all(streams.map((s) => s.return?.()));
        await waitForSubscribersAtMost(server, topic, id, 0);
        return counted;
      };
      const none = await count(0);
      figures.push({ subscriber, perDelivery: ((await count(K)) - none) / K });
    }
    return figures;
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
    await storage.drop();
  }
}
