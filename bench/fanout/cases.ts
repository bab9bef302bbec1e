import { print } from 'graphql';
import { ChatEventsDocument, CommentAddedDocument } from '../../sdk/src/index.js';
import { sdkClient } from '../../test/helpers/sdk.js';
import { MEMBERS, type Fixture } from './fixture.js';
import { measure, type Measured, type Plan } from './measure.js';
import { startCeiling, startMarquee, type MarqueeProcess } from './processes.js';
import { messageBody, type ToCeiling } from './protocol.js';

export type Kind = 'chat' | 'comment';

export const SUBSCRIPTION: Record<Kind, string> = {
  chat: 'chatEvents',
  comment: 'commentAdded',
};

/**
 * `kind` to `n` subscribers through fresh Marquee processes on `env` (storage and fixture
 * made beforehand). Subscriber i is member i mod 100, on process ⌊i / 100⌋ mod `processes`,
 * so every member's connections are spread over all processes. One subscription per
 * connection: n WebSockets. Member 0 sends, over HTTP to the first process.
 */
export async function marqueeCase(
  kind: Kind,
  n: number,
  processes: number,
  env: Record<string, string>,
  fixture: Fixture,
  plan: Plan,
): Promise<Measured> {
  const servers: MarqueeProcess[] = [];
  try {
    for (let i = 0; i < processes; i++) servers.push(await startMarquee(env));
    const sender = sdkClient({
      url: servers[0]!.url,
      token: fixture.tokens[0],
      // A connection per send. While a large fan-out holds the server's event loop, a request
      // waiting on a kept-alive connection is not read before the server's keep-alive timer
      // (5 s) closes that connection, and the send fails with ECONNRESET.
      headers: { connection: 'close' },
    });
    const { conversationId, contentId } = fixture;
    return await measure(
      {
        pids: servers.map((s) => s.pid),
        sockets: Array.from({ length: n }, (_, i) => ({
          url: servers[Math.floor(i / MEMBERS) % servers.length]!.wsUrl,
          token: fixture.tokens[i % MEMBERS]!,
        })),
        protocol: 'graphql',
        // The SDK's own operations: the selection a partner's client asks for.
        query: print(kind === 'chat' ? ChatEventsDocument : CommentAddedDocument),
        variables: kind === 'chat' ? { conversationId } : { contentId },
        send:
          kind === 'chat'
            ? async (seq) => {
                await sender.SendMessage({ input: { conversationId, body: messageBody(seq) } });
              }
            : async (seq) => {
                await sender.AddComment({ contentId, body: messageBody(seq) });
              },
        probe: () => typename(servers[0]!.url),
      },
      plan,
    );
  } finally {
    for (const s of servers.reverse()) await s.stop();
  }
}

/** `{ __typename }` over HTTP on a connection of its own (see the sender's). */
async function typename(url: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  const body = (await res.json()) as { data?: { __typename?: string } };
  if (body.data?.__typename !== 'Query') throw new Error(`probe: ${JSON.stringify(body)}`);
}

/** The ceiling: `frame` (a captured `next` frame) to `n` raw `ws` clients. */
export async function ceilingCase(n: number, frame: string, plan: Plan): Promise<Measured> {
  const ceiling = await startCeiling();
  try {
    const url = `ws://127.0.0.1:${ceiling.port}`;
    return await measure(
      {
        pids: [ceiling.pid],
        sockets: Array.from({ length: n }, () => ({ url, token: null })),
        protocol: 'raw',
        query: '',
        variables: {},
        send: async (seq) => {
          ceiling.child.send({ type: 'broadcast', seq, template: frame } satisfies ToCeiling);
        },
      },
      plan,
    );
  } finally {
    await ceiling.stop();
  }
}
