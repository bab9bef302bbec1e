import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CreateContentInput, UpdateContentInput, Visibility } from '../../sdk/src/index.js';
import { Content } from '../../src/modules/content/index.js';
import { draft, fx, newUser, rows } from '../helpers/content.js';
import { expectCode } from '../helpers/errors.js';
import {
  ask,
  assertGate,
  GATE,
  gatedSuite,
  gx,
  mayRead,
  type GateNode,
  type Viewer,
} from '../helpers/gated.js';
import { join, reasonOf } from '../helpers/memberships.js';
import { targets } from '../helpers/targets.js';

// Comments on gated content, losing access, and the gating input of createContent and
// updateContent.

type WithComments = GateNode & {
  comments: { totalCount: number; edges: { node: { id: string; body: string } }[] };
};
const WITH_COMMENTS = `query WithComments($id: ID!) {
  content(id: $id) { ...Gate comments(first: 10) { totalCount edges { node { id body } } } }
} ${GATE}`;

const read = async (v: Viewer, id: string) =>
  (await ask<{ content: WithComments }>(v, WITH_COMMENTS, { id })).content;

/** Someone outside the fixture's viewers, who may read `reads`. */
const viewerOf = (
  s: { token: string; client: Viewer['client']; id: string },
  name: string,
  reads: Visibility[],
): Viewer => ({ name, ...s, reads: new Set(reads) });

for (const target of targets()) {
  describe(`memberships access on comments and writes (${target.name})`, () => {
    gatedSuite(target, 'm-access-comments');

    it('should show comments only to viewers with access, and their count to everyone', async () => {
      // Each comment names the content's secret: a leak of the comment is a leak of the word.
      const comments = new Map<string, string>();
      for (const c of gx.contents) {
        const body = `Loved the part about the ${c.secret}.`;
        comments.set(
          c.id,
          (await fx.ann.client.AddComment({ contentId: c.id, body })).addComment.id,
        );
      }
      for (const v of gx.viewers)
        for (const c of gx.contents) {
          const content = await read(v, c.id);
          const access = mayRead(v, c);
          assertGate(content, c, access, `comments as ${v.name}`);
          assert.equal(content.commentCount, 1);
          assert.equal(content.comments.totalCount, 1, 'the count stays');
          assert.deepEqual(
            content.comments.edges.map((e) => e.node.id),
            access ? [comments.get(c.id)] : [],
            `${c.visibility} comments as ${v.name}`,
          );
        }
    });

    it('should let only viewers with access comment: MEMBERS_ONLY for the others, nothing written', async () => {
      for (const v of gx.viewers)
        for (const c of gx.contents) {
          const before = (await rows(c.id)).comments;
          const adding = v.client.AddComment({ contentId: c.id, body: `From ${v.name}` });
          if (!v.token) {
            await expectCode(adding, 'UNAUTHENTICATED');
          } else if (mayRead(v, c)) {
            assert.equal((await adding).addComment.body, `From ${v.name}`);
          } else {
            const e = await expectCode(adding, 'FORBIDDEN');
            assert.equal(reasonOf(e), 'MEMBERS_ONLY', `${c.visibility} as ${v.name}`);
          }
          const written = v.token && mayRead(v, c) ? 1 : 0;
          assert.equal(
            (await rows(c.id)).comments,
            before + written,
            `${c.visibility} as ${v.name}`,
          );
        }
    });

    it('should take access away on the next request when a free membership is cancelled', async () => {
      const fan = await newUser('fan');
      const { membership } = await join(fan.client, gx.tierA);
      const member = viewerOf(fan, 'a member', ['PUBLIC', 'SIGNED_IN', 'MEMBERS', 'TIERS']);
      const cancelled = viewerOf(fan, 'a member who cancelled', ['PUBLIC', 'SIGNED_IN']);
      const gatedOnes = gx.contents.filter(
        (c) => c.visibility === 'MEMBERS' || c.visibility === 'TIERS',
      );
      for (const c of gatedOnes) assertGate(await read(member, c.id), c, true, 'a member');

      const { cancelMembership } = await fan.client.CancelMembership({ id: membership.id });
      assert.equal(cancelMembership.status, 'EXPIRED');
      for (const c of gatedOnes) {
        const content = await read(cancelled, c.id);
        assertGate(content, c, false, 'after cancelling');
        assert.deepEqual(content.comments.edges, []);
        const e = await expectCode(
          fan.client.AddComment({ contentId: c.id, body: 'Still here?' }),
          'FORBIDDEN',
        );
        assert.equal(reasonOf(e), 'MEMBERS_ONLY');
      }
    });

    it('should list the tiers of a TIERS content, and none for the others', async () => {
      for (const c of gx.contents) {
        const { content } = await fx.bob.client.ContentGate({ id: c.id });
        assert.deepEqual(
          content?.tiers.map((t) => [t.id, t.name]),
          c.visibility === 'TIERS' ? [[gx.tierA, 'Tier A']] : [],
          c.visibility,
        );
      }
    });

    it('should refuse gating input that does not add up, and write nothing', async () => {
      const cases: [Partial<CreateContentInput & UpdateContentInput>, string][] = [
        [{ visibility: 'TIERS' }, 'TIERS_REQUIRED'],
        [{ visibility: 'TIERS', tierIds: [] }, 'TIERS_REQUIRED'],
        [{ visibility: 'TIERS', tierIds: [gx.otherTier] }, 'NOT_YOUR_TIER'],
        [{ visibility: 'TIERS', tierIds: [gx.tierA, gx.otherTier] }, 'NOT_YOUR_TIER'],
        [{ visibility: 'PUBLIC', tierIds: [gx.tierA] }, 'TIERS_NOT_EXPECTED'],
        [{ visibility: 'MEMBERS', tierIds: [gx.tierB] }, 'TIERS_NOT_EXPECTED'],
      ];
      const em = () => fx.t.server.orm.em.fork();
      const before = await em().count(Content, { author: fx.ann.id });
      for (const [input, reason] of cases) {
        const e = await expectCode(
          draft(fx.ann.client, { title: 'Refused', ...input }),
          'BAD_USER_INPUT',
        );
        assert.equal(reasonOf(e), reason, JSON.stringify(input));
      }
      assert.equal(await em().count(Content, { author: fx.ann.id }), before, 'no content created');

      // On a PUBLIC draft and the TIERS content; the title change is not written either.
      const tiered = gx.contents.find((c) => c.visibility === 'TIERS')!;
      const open = await draft(fx.ann.client, { title: 'Open' });
      const updates: [string, Partial<UpdateContentInput>, string][] = [
        ...cases.map(
          ([input, reason]) => [open.id, input, reason] as [string, typeof input, string],
        ),
        [open.id, { tierIds: [gx.tierA] }, 'TIERS_NOT_EXPECTED'],
        [tiered.id, { tierIds: [] }, 'TIERS_REQUIRED'],
        [tiered.id, { visibility: 'TIERS', tierIds: [] }, 'TIERS_REQUIRED'],
        [tiered.id, { tierIds: [gx.otherTier] }, 'NOT_YOUR_TIER'],
        [tiered.id, { visibility: 'PUBLIC', tierIds: [gx.tierA] }, 'TIERS_NOT_EXPECTED'],
        [tiered.id, { visibility: 'MEMBERS', tierIds: [gx.tierB] }, 'TIERS_NOT_EXPECTED'],
      ];
      for (const [id, input, reason] of updates) {
        const e = await expectCode(
          fx.ann.client.UpdateContent({ id, input: { title: 'Changed', ...input } }),
          'BAD_USER_INPUT',
        );
        assert.equal(reasonOf(e), reason, JSON.stringify(input));
        const row = await em().findOneOrFail(Content, id);
        assert.deepEqual(
          [row.title, row.visibility, row.tierIds],
          id === open.id ? ['Open', 'PUBLIC', []] : [tiered.title, 'TIERS', [gx.tierA]],
          `${JSON.stringify(input)} wrote nothing`,
        );
      }
    });
  });
}
