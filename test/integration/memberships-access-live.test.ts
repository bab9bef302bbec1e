import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FormattedExecutionResult } from 'graphql';
import { CONTENT_ACTIVITY, CONTENT_PUBLISHED } from '../../src/modules/content/index.js';
import { fx, newUser } from '../helpers/content.js';
import {
  assertGate,
  assertNoLeak,
  GATE,
  gated,
  gatedSuite,
  gx,
  mayRead,
  publishAll,
  wsAuth,
  type GateNode,
  type Viewer,
} from '../helpers/gated.js';
import { join } from '../helpers/memberships.js';
import { ev } from '../helpers/metrics.js';
import { waitForSubscribers } from '../helpers/subscribers.js';
import { targets } from '../helpers/targets.js';
import { connect, Stream, type Connection } from '../helpers/ws.js';

// The access rule on every subscription event that carries a Content, over graphql-ws: a
// subscriber without access receives the preview, and the hidden word is in no payload.

/** A stream that hangs instead of delivering or ending fails the test instead of the run. */
const guard = { timeout: 30_000 };

type Result<T> = FormattedExecutionResult<T, unknown>;

/** Pulls one event for `v`, checking that its whole payload carries no hidden word. */
async function pull<T>(s: Stream<Result<T>>, v: Viewer, where: string): Promise<Result<T>> {
  const result = await s.next();
  assertNoLeak(JSON.stringify(result), v, `${where} to ${v.name}`);
  return result;
}

for (const target of targets()) {
  describe(`memberships access on subscriptions (${target.name})`, () => {
    gatedSuite(target, 'm-access-live', { publish: false });
    const sockets = new Map<Viewer, Connection>();
    const socket = (v: Viewer) => sockets.get(v)!;
    before(async () => {
      for (const v of gx.viewers) sockets.set(v, connect(fx.t.server.wsUrl, wsAuth(v)));
      await Promise.all([...sockets.values()].map((c) => c.connected));
    });
    after(() => Promise.all([...sockets.values()].map((c) => c.close())));

    it(
      'should send contentPublished with the preview to subscribers without access',
      guard,
      async () => {
        const query = `subscription Published($author: ID) {
        contentPublished(authorId: $author) { ...Gate }
      } ${GATE}`;
        const n = fx.t.server.pubsub.subscriberCount(CONTENT_PUBLISHED);
        const streams = gx.viewers.map(
          (v) =>
            [
              v,
              new Stream(
                socket(v).client.iterate<{ contentPublished: GateNode }>({
                  query,
                  variables: { author: fx.ann.id },
                }),
              ),
            ] as const,
        );
        await waitForSubscribers(fx.t.server, CONTENT_PUBLISHED, undefined, n + streams.length);
        await publishAll();
        for (const [v, s] of streams) {
          for (const c of gx.contents) {
            const { data, errors } = await pull(s, v, 'contentPublished');
            assert.equal(errors, undefined);
            assertGate(data!.contentPublished, c, mayRead(v, c), `contentPublished to ${v.name}`);
          }
          await s.return();
        }
      },
    );

    it(
      'should send trendingChanged with the preview to subscribers without access',
      guard,
      async () => {
        await publishAll();
        const query = `subscription Trending {
        trendingChanged(window: LAST_HOUR, first: 50) { content { ...Gate } }
      } ${GATE}`;
        type Trending = { trendingChanged: { content: GateNode }[] };
        const streams = gx.viewers.map(
          (v) => [v, new Stream(socket(v).client.iterate<Trending>({ query }))] as const,
        );
        const tracker = await newUser('tracker');
        await tracker.client.TrackEvents({
          events: gx.contents.flatMap((c) => [ev('VIEW', c.id), ev('SHARE', c.id)]),
        });
        const listsAll = (r: Result<Trending>) =>
          gx.contents.every((c) => r.data?.trendingChanged.some((i) => i.content.id === c.id));
        for (const [v, s] of streams) {
          // Every list until the one with all eight, each item checked.
          let listed = false;
          while (!listed) {
            const r = await pull(s, v, 'trendingChanged');
            for (const { content } of r.data!.trendingChanged) {
              const c = gated(content.id);
              if (c) assertGate(content, c, mayRead(v, c), `trendingChanged to ${v.name}`);
            }
            listed = listsAll(r);
          }
          await s.return();
        }
      },
    );

    it(
      'should refuse commentAdded without access, and send comments to the others',
      guard,
      async () => {
        await publishAll();
        const query = `subscription Comments($id: ID!) {
        commentAdded(contentId: $id) { id body content { ...Gate } }
      } ${GATE}`;
        type Added = { commentAdded: { id: string; body: string; content: GateNode } };
        for (const c of gx.contents) {
          const streams = gx.viewers.map(
            (v) =>
              [
                v,
                new Stream(socket(v).client.iterate<Added>({ query, variables: { id: c.id } })),
              ] as const,
          );
          const refused = streams.filter(([v]) => !mayRead(v, c));
          const allowed = streams.filter(([v]) => mayRead(v, c));
          // A refusal is a `next` with the error, then `complete`.
          for (const [v, s] of refused) {
            const { data, errors } = await pull(s, v, 'commentAdded');
            assert.equal(data ?? null, null);
            assert.deepEqual(
              [errors?.[0]?.extensions?.code, errors?.[0]?.extensions?.reason],
              ['FORBIDDEN', 'MEMBERS_ONLY'],
              `${c.visibility} for ${v.name}`,
            );
            await s.ended();
          }
          await waitForSubscribers(fx.t.server, CONTENT_ACTIVITY, c.id, allowed.length);
          const body = `Who else saw the ${c.secret}?`;
          const { addComment } = await fx.ann.client.AddComment({ contentId: c.id, body });
          for (const [v, s] of allowed) {
            const { data } = await pull(s, v, 'commentAdded');
            assert.deepEqual(
              [data?.commentAdded.id, data?.commentAdded.body],
              [addComment.id, body],
            );
            assertGate(data!.commentAdded.content, c, true, `commentAdded to ${v.name}`);
            await s.return();
          }
        }
      },
    );

    it(
      'should end a member’s commentAdded stream once the membership is cancelled',
      guard,
      async () => {
        await publishAll();
        const fan = await newUser('fan');
        const fanSocket = connect(fx.t.server.wsUrl, wsAuth(fan));
        const memberA = gx.viewers.find((v) => v.id === gx.memberA.id)!;
        const query = `subscription Comments($id: ID!) { commentAdded(contentId: $id) { id body } }`;
        const gatedOnes = gx.contents.filter(
          (x) => x.visibility === 'MEMBERS' || x.visibility === 'TIERS',
        );
        for (const c of gatedOnes) {
          // A free tier takes a member back at once: a new membership for each content.
          const { membership } = await join(fan.client, gx.tierA);
          const [fans, members] = [fanSocket, socket(memberA)].map(
            (s) => new Stream(s.client.iterate({ query, variables: { id: c.id } })),
          ) as [Stream<Result<unknown>>, Stream<Result<unknown>>];
          await waitForSubscribers(fx.t.server, CONTENT_ACTIVITY, c.id, 2);
          await fan.client.CancelMembership({ id: membership.id });
          const body = `Only for members: ${c.secret}`;
          await fx.ann.client.AddComment({ contentId: c.id, body });
          assert.match(
            JSON.stringify(await members.next()),
            new RegExp(body),
            'the comment was sent',
          );
          await fans.ended();
          await members.return();
        }
        await fanSocket.close();
      },
    );
  });
}
