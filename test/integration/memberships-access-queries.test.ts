import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { draft, fx, newUser, until } from '../helpers/content.js';
import {
  ask,
  assertGate,
  GATE,
  gated,
  gatedSuite,
  gx,
  mayRead,
  type GateNode,
  type Viewer,
} from '../helpers/gated.js';
import { ev } from '../helpers/metrics.js';
import { targets } from '../helpers/targets.js';

// The access rule on every query surface that returns a Content, for each visibility and
// viewer. searchContents is proven in search.test.ts.

type Nodes = { node: GateNode }[];

/** Checks every fixture content in `nodes` for `v`; returns the ids seen. */
function checkAll(nodes: GateNode[], v: Viewer, where: string): Set<string> {
  const seen = new Set<string>();
  for (const node of nodes) {
    const c = gated(node.id);
    if (!c) continue;
    assertGate(node, c, mayRead(v, c), `${where} as ${v.name}`);
    seen.add(c.id);
  }
  return seen;
}

const hasAll = (seen: Set<string>, expected = gx.contents) => expected.every((c) => seen.has(c.id));

/** Asks until the surface lists every `expected` content (lists refresh on their own clock). */
async function untilAll(
  v: Viewer,
  where: string,
  read: () => Promise<GateNode[]>,
  expected = gx.contents,
) {
  return until(`${where} to list every gated content for ${v.name}`, async () => {
    const nodes = await read();
    return hasAll(checkAll(nodes, v, where), expected) ? nodes : null;
  });
}

for (const target of targets()) {
  describe(`memberships access on queries (${target.name})`, () => {
    // The recommendation models and text index catch up within a fraction of a second.
    gatedSuite(target, 'm-access-queries', {
      env: { RECS_REBUILD_INTERVAL_MS: '300', RECS_POLL_INTERVAL_MS: '100' },
    });

    it('should gate content(id) for each viewer and visibility', async () => {
      for (const v of gx.viewers)
        for (const c of gx.contents) {
          const { content } = await ask<{ content: GateNode }>(
            v,
            `query One($id: ID!) { content(id: $id) { ...Gate } } ${GATE}`,
            { id: c.id },
          );
          assertGate(content, c, mayRead(v, c), `content(id) as ${v.name}`);
        }
    });

    it('should gate contents and User.contents for each viewer and visibility', async () => {
      for (const v of gx.viewers) {
        const { contents, user } = await ask<{
          contents: { edges: Nodes };
          user: { contents: { edges: Nodes } };
        }>(
          v,
          `query Lists($author: ID!) {
            contents(filter: { authorId: $author }, first: 50) { edges { node { ...Gate } } }
            user(id: $author) { contents(first: 50) { edges { node { ...Gate } } } }
          } ${GATE}`,
          { author: fx.ann.id },
        );
        const nodes = (edges: Nodes) => edges.map((e) => e.node);
        assert.ok(hasAll(checkAll(nodes(contents.edges), v, 'contents')), v.name);
        assert.ok(hasAll(checkAll(nodes(user.contents.edges), v, 'User.contents')), v.name);
      }
    });

    it('should gate similarContents for each viewer and visibility', async () => {
      // The other seven share the anchor's words and tags.
      const anchor = gx.contents.find((c) => c.visibility === 'PUBLIC')!;
      const others = gx.contents.filter((c) => c !== anchor);
      for (const v of gx.viewers)
        await untilAll(
          v,
          'similarContents',
          async () =>
            (
              await ask<{ similarContents: GateNode[] }>(
                v,
                `query Similar($id: ID!) { similarContents(contentId: $id, first: 30) { ...Gate } } ${GATE}`,
                { id: anchor.id },
              )
            ).similarContents,
          others,
        );
    });

    it('should not let similarContents match the words of a hidden body', async () => {
      const open = 'Quillwort meadows';
      const words = 'quillwort quillwort marsh fern quillwort';
      const { createContent: p } = await fx.bob.client.CreateContent({
        input: { kind: 'ARTICLE', title: open, body: words },
      });
      await fx.bob.client.PublishContent({ id: p.id });
      // Nothing it shows anyone is like the public one; its hidden part is.
      const filler = 'Trains cross the northern plains under a wide and empty sky. '.repeat(5);
      const hidden = await draft(fx.ann.client, {
        title: 'Rail diary',
        body: `${filler}${words}`,
        visibility: 'MEMBERS',
      });
      const twin = await draft(fx.ann.client, { title: 'Rail diary', body: filler });
      for (const { id } of [hidden, twin]) await fx.ann.client.PublishContent({ id });
      await until('the index to hold both', async () => {
        const { similarContents } = await fx.admin.client.SimilarContents({ contentId: twin.id });
        return similarContents.some((c) => c.id === hidden.id) || null;
      });
      for (const v of gx.viewers) {
        const { similarContents } = await v.client.SimilarContents({ contentId: p.id });
        assert.equal(
          similarContents.some((c) => c.id === hidden.id),
          false,
          `a hidden word matched for ${v.name}`,
        );
      }
    });

    it('should stop matching the words of a body gated after publication', async () => {
      const words = 'sphagnum sphagnum bog cotton sphagnum';
      const { createContent: p } = await fx.bob.client.CreateContent({
        input: { kind: 'ARTICLE', title: 'Sphagnum bogs', body: words },
      });
      await fx.bob.client.PublishContent({ id: p.id });
      const filler = 'Ferries leave the harbour at dawn, and the gulls follow them out. '.repeat(5);
      const later = await draft(fx.ann.client, {
        title: 'Harbour notes',
        body: `${filler}${words}`,
      });
      await fx.ann.client.PublishContent({ id: later.id });
      const similar = async () =>
        (await fx.bob.client.SimilarContents({ contentId: p.id })).similarContents.some(
          (c) => c.id === later.id,
        );
      await until('the public body to match', async () => (await similar()) || null);
      await fx.ann.client.UpdateContent({ id: later.id, input: { visibility: 'MEMBERS' } });
      await until('the gated body to stop matching', async () => !(await similar()) || null);
    });

    it('should gate trending for each viewer and visibility', async () => {
      // Engagement of someone who is not one of the viewers (it would change their
      // recommendations).
      const tracker = await newUser('tracker');
      await tracker.client.TrackEvents({
        events: gx.contents.flatMap((c) => [ev('VIEW', c.id), ev('SHARE', c.id)]),
      });
      for (const v of gx.viewers)
        await untilAll(v, 'trending', async () => {
          const { trending } = await ask<{ trending: { content: GateNode }[] }>(
            v,
            `query Trending { trending(window: LAST_HOUR, first: 50) { content { ...Gate } } } ${GATE}`,
          );
          return trending.map((t) => t.content);
        });
    });

    it('should gate recommendedContents for each viewer and visibility', async () => {
      // Recommendations show at most 3 items of one author in any 10: public content of
      // four other authors makes room for all eight of ann's.
      for (let a = 0; a < 4; a++) {
        const author = await newUser('filler');
        for (let i = 0; i < 5; i++) {
          const { createContent } = await author.client.CreateContent({
            input: { kind: 'ARTICLE', title: `Filler ${a}.${i}`, body: `Unrelated text ${i}.` },
          });
          await author.client.PublishContent({ id: createContent.id });
        }
      }
      const query = `query Recs {
        recommendedContents(first: 100) { content { ...Gate } becauseOf { ...Gate } }
      } ${GATE}`;
      type Recs = { recommendedContents: { content: GateNode; becauseOf: GateNode | null }[] };
      // Never one's own content: the author is not recommended theirs.
      for (const v of gx.viewers.filter((x) => x.id !== fx.ann.id))
        await untilAll(v, 'recommendedContents', async () => {
          const { recommendedContents: recs } = await ask<Recs>(v, query);
          checkAll(
            recs.flatMap((r) => (r.becauseOf ? [r.becauseOf] : [])),
            v,
            'recommendedContents.becauseOf',
          );
          return recs.map((r) => r.content);
        });
    });
  });
}
