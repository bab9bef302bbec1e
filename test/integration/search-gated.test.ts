import 'reflect-metadata';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Client } from '../helpers/server.js';
import type { Visibility } from '../../sdk/src/index.js';
import { previewOf } from '../../src/modules/content/index.js';
import { contentSuite, fx, newUser, published, type Signed } from '../helpers/content.js';
import { join, tierOf } from '../helpers/memberships.js';
import { targets } from '../helpers/targets.js';

/** Long enough that what follows it is past the 280-character preview. */
const FILLER = 'lorem ipsum dolor sit amet consectetur '.repeat(10);
/** A body with `<word>open` in its preview and `<word>hidden` (and `sharedhidden`) after it. */
const bodyOf = (word: string) =>
  `Open words ${word}open come first. ${FILLER}Then ${word}hidden and sharedhidden close it.`;

const GATED = ['SIGNED_IN', 'MEMBERS', 'TIERS'] as const;
const WORD: Record<(typeof GATED)[number], string> = {
  SIGNED_IN: 'alfa',
  MEMBERS: 'bravo',
  TIERS: 'charlie',
};
type Gated = (typeof GATED)[number];

for (const target of targets()) {
  describe(`search of gated content (${target.name})`, () => {
    // No background task runs a statement between those a test counts.
    const DAY = '86400000';
    contentSuite(target, 'search-gated', {
      SCHEDULER_INTERVAL_MS: DAY,
      RECS_POLL_INTERVAL_MS: DAY,
      MEMBERSHIP_EXPIRY_INTERVAL_MS: DAY,
      METRICS_TICK_MS: DAY,
    });

    /** Visibility -> content id, all by ann; `open` is public and shares `sharedhidden`. */
    const ids = {} as Record<Gated | 'open', string>;
    let tierA: string;
    /** Member of tierA; of ann's other tier; of another creator's tier only. */
    let fan: Signed;
    let other: Signed;
    let outsider: Signed;

    before(async () => {
      const ann = fx.ann.client;
      // Free tiers: a membership is ACTIVE, and gives access, at once.
      tierA = (await tierOf(ann, { name: 'Fans' })).id;
      const tierB = (await tierOf(ann, { name: 'Friends' })).id;
      const tierC = (await tierOf((await newUser('carl')).client)).id;
      [fan, other, outsider] = await Promise.all([
        newUser('fan'),
        newUser('other'),
        newUser('out'),
      ]);
      for (const [who, tier] of [
        [fan, tierA],
        [other, tierB],
        [outsider, tierC],
      ] as const) {
        assert.equal((await join(who.client, tier)).membership.status, 'ACTIVE');
      }
      for (const visibility of GATED) {
        const word = WORD[visibility];
        const c = await published(ann, {
          title: `${word}title gazette`,
          tags: [`${word}tag`],
          body: bodyOf(word),
          visibility,
          tierIds: visibility === 'TIERS' ? [tierA] : undefined,
        });
        ids[visibility] = c.id;
      }
      ids.open = (await published(ann, { title: 'Open letter', body: 'Public sharedhidden.' })).id;
    });

    /** Who reads which gated bodies. */
    const readers = (): [string, Client, Gated[]][] => [
      ['anonymous', fx.t.client(), []],
      ['a stranger', fx.bob.client, ['SIGNED_IN']],
      ["a member of another creator's tier", outsider.client, ['SIGNED_IN']],
      ["a member of the author's other tier", other.client, ['SIGNED_IN', 'MEMBERS']],
      ['a member of the tier', fan.client, [...GATED]],
      ['the author', fx.ann.client, [...GATED]],
      ['a moderator', fx.mod.client, [...GATED]],
      ['an admin', fx.admin.client, [...GATED]],
    ];

    async function search(c: Client, query: string) {
      const { searchContents } = await c.SearchContents({ query, first: 50 });
      const { searchContents: counted } = await c.SearchContents({ query, first: 0 });
      assert.equal(counted.totalCount, searchContents.totalCount, `count of "${query}"`);
      assert.equal(searchContents.totalCount, searchContents.edges.length, `"${query}"`);
      return searchContents.edges.map((e) => e.node);
    }

    it('should find a gated body by its hidden words only for viewers who may read it', async () => {
      for (const [who, c, reads] of readers()) {
        for (const visibility of GATED) {
          const word = WORD[visibility];
          const expected = reads.includes(visibility) ? [ids[visibility]] : [];
          for (const query of [`${word}hidden`, `${word}open ${word}hidden`]) {
            const found = (await search(c, query)).map((n) => n.id);
            assert.deepEqual(found, expected, `${who}, ${visibility}, "${query}"`);
          }
        }
      }
    });

    it('should find a gated content by title, tags and preview for everyone, showing the preview', async () => {
      for (const [who, c, reads] of readers()) {
        for (const visibility of GATED) {
          const word = WORD[visibility];
          const canRead = reads.includes(visibility);
          for (const query of [`${word}title`, `${word}tag`, `${word}open`]) {
            const nodes = await search(c, query);
            assert.deepEqual(
              nodes.map((n) => n.id),
              [ids[visibility]],
              `${who}, ${visibility}, "${query}"`,
            );
            const [node] = nodes;
            assert.equal(node!.viewerHasAccess, canRead, `${who}, ${visibility}`);
            assert.equal(node!.body, canRead ? bodyOf(word) : previewOf(bodyOf(word)));
            assert.equal(node!.preview, previewOf(bodyOf(word)));
          }
        }
      }
    });

    it('should count and page only what the viewer may read', async () => {
      for (const [who, c, reads] of readers()) {
        const expected = reads.length + 1;
        const seen: string[] = [];
        let after: string | null = null;
        for (let page = 1; page <= expected; page++) {
          const { searchContents } = await c.SearchContents({
            query: 'sharedhidden',
            first: 1,
            after,
          });
          assert.equal(searchContents.totalCount, expected, `${who}, page ${page}`);
          assert.equal(searchContents.pageInfo.hasNextPage, page < expected, `${who}, ${page}`);
          seen.push(...searchContents.edges.map((e) => e.node.id));
          after = searchContents.pageInfo.endCursor;
        }
        assert.deepEqual(
          [...seen].sort(),
          [ids.open, ...reads.map((v) => ids[v])].sort(),
          `${who} pages through what they may read`,
        );
      }
    });

    it('should search in a fixed number of statements, reading the grants once', async () => {
      for (const [who, c, memberships] of [
        ['anonymous', fx.t.client(), 0],
        ['a member', fan.client, 1],
        ['an admin', fx.admin.client, 0],
      ] as const) {
        const count = async (query: string, n: number) => {
          fx.t.queries.length = 0;
          assert.equal((await search(c, query)).length, n, `${who}, "${query}"`);
          const grants = fx.t.queries.filter((q) => /\bmemberships\b/.test(q)).length;
          // search() runs the query twice: with a page, and with first: 0.
          assert.equal(grants, 2 * memberships, `${who}: reads of the grants`);
          return fx.t.queries.length;
        };
        const few = await count('alfatitle', 1);
        const many = await count('gazette', 3);
        assert.equal(many, few, `${who}: statements for 1 and 3 results`);
      }
    });

    it('should hide and show the words at once when the visibility changes', async () => {
      const ann = fx.ann.client;
      const body = bodyOf('delta');
      const { id } = await published(ann, { title: 'Deltatitle', body });
      const finds = async (c: Client, query: string) =>
        (await search(c, query)).some((n) => n.id === id);
      const set = async (visibility: Visibility, tierIds?: string[]) =>
        ann.UpdateContent({ id, input: { visibility, tierIds } });

      assert.ok(await finds(fx.t.client(), 'deltahidden'), 'public: anyone');
      await set('TIERS', [tierA]);
      for (const [who, c] of [
        ['anonymous', fx.t.client()],
        ['a stranger', fx.bob.client],
        ['a member of another tier', other.client],
      ] as const) {
        assert.ok(!(await finds(c, 'deltahidden')), `${who}: hidden at once`);
        assert.ok(await finds(c, 'deltaopen'), `${who}: the preview still matches`);
        assert.ok(await finds(c, 'deltatitle'), `${who}: the title still matches`);
      }
      assert.ok(await finds(fan.client, 'deltahidden'), 'a member of the tier');

      // A new body of gated content is indexed as gated too.
      await ann.UpdateContent({ id, input: { body: bodyOf('echo') } });
      assert.ok(!(await finds(fx.t.client(), 'echohidden')), 'new hidden words stay hidden');
      assert.ok(await finds(fx.t.client(), 'echoopen'), 'the new preview matches');
      assert.ok(!(await finds(fan.client, 'deltahidden')), 'the old body is gone');
      assert.ok(await finds(fan.client, 'echohidden'), 'a member finds the new body');

      await set('PUBLIC');
      assert.ok(await finds(fx.t.client(), 'echohidden'), 'public again: anyone');
      assert.ok(await finds(fx.bob.client, 'echohidden'), 'public again: a stranger');
    });
  });
}
