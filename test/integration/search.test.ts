import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CreateContentInput } from '../../sdk/src/index.js';
import { encodeCursor } from '../../src/infra/pagination.js';
import { bootServer, type Client, type TestServer } from '../helpers/server.js';
import { expectCode } from '../helpers/errors.js';
import { targets } from '../helpers/targets.js';

/**
 * The fixture, by name. Expected results are written as names, so both databases are held
 * to the same ids in the same order.
 */
const FIXTURE: Record<string, Omit<CreateContentInput, 'kind'>> = {
  shoes: {
    title: 'Running shoes for beginners',
    body: 'Pick a pair that fits well and feels light.',
    tags: ['fitness'],
  },
  trail: {
    title: 'Morning trail notes',
    body: 'We run before breakfast. The runs are long and muddy.',
    tags: ['outdoors'],
  },
  operators: {
    title: 'Kubernetes operators explained',
    body: 'Controllers that reconcile the desired state.',
    tags: ['devops', 'golang'],
  },
  upgrades: {
    title: 'Cluster upgrades',
    body: 'Rolling upgrades without downtime.',
    tags: ['kubernetes'],
  },
  // A body that keeps repeating the word must still rank below a title or tag match.
  // Accents are significant on both databases: "café" and "cafe" are different words.
  cafe: {
    title: 'Café culture',
    body: 'Espresso at the corner.',
    tags: ['food'],
  },
  digest: {
    title: 'Weekly digest',
    body: 'Kubernetes pods, kubernetes services, kubernetes ingress, kubernetes secrets, kubernetes jobs and kubernetes volumes.',
    tags: ['misc'],
  },
};
const ZEBRAS = 5;

for (const target of targets()) {
  describe(`search (${target.name})`, () => {
    let t: TestServer;
    let writer: Client;
    /** Fixture name -> id, and back. */
    const ids = new Map<string, string>();
    const names = new Map<string, string>();

    const create = async (input: Omit<CreateContentInput, 'kind'>, publish = true) => {
      const { createContent } = await writer.CreateContent({
        input: { kind: 'ARTICLE', ...input },
      });
      if (publish) await writer.PublishContent({ id: createContent.id });
      return createContent.id;
    };

    before(async () => {
      t = await bootServer(target, 'search');
      writer = (await t.user('writer')).client;
      for (const [name, input] of Object.entries(FIXTURE)) {
        const id = await create(input);
        ids.set(name, id);
        names.set(id, name);
      }
      // Never published, or no longer: these must never match.
      await create({ title: 'Running secrets', body: 'Running kubernetes zebra.' }, false);
      const archived = await create({ title: 'Running archive', body: 'Kubernetes zebra.' });
      await writer.ArchiveContent({ id: archived });
      for (let i = 0; i < ZEBRAS; i++) {
        await create({ title: `Zoo visit ${i}`, body: 'We saw a zebra near the gate.' });
      }
    });
    after(() => t.close());

    /** The names of what `query` finds, best match first (`zebra` items as `zoo`). */
    async function search(query: string, c: Client = t.client()): Promise<string[]> {
      const { searchContents } = await c.SearchContents({ query, first: 100 });
      assert.equal(searchContents.totalCount, searchContents.edges.length);
      return searchContents.edges.map((e) => names.get(e.node.id) ?? 'zoo');
    }

    it('should search title, body and tags of published content only', async () => {
      assert.deepEqual(await search('beginners'), ['shoes']);
      assert.deepEqual(await search('breakfast'), ['trail']);
      assert.deepEqual(await search('golang'), ['operators']);
      assert.deepEqual(await search('reconcile'), ['operators']);
      assert.deepEqual(
        await search('secrets'),
        ['digest'],
        'the draft titled "secrets" never matches',
      );
      assert.deepEqual(await search('archive'), []);
      assert.deepEqual(await search('zzzunknownword'), []);
      // The author does not find their own drafts either: search covers published content.
      assert.deepEqual(await search('secrets', writer), ['digest']);
      const { searchContents } = await t.client().SearchContents({ query: 'beginners' });
      const node = searchContents.edges[0]!.node;
      assert.deepEqual(
        [node.title, node.status, node.tags],
        [FIXTURE.shoes!.title, 'PUBLISHED', ['fitness']],
      );
    });

    it('should rank a title match above a tag match above a body-only match', async () => {
      assert.deepEqual(await search('kubernetes'), ['operators', 'upgrades', 'digest']);
      assert.deepEqual(await search('running'), ['shoes', 'trail']);
    });

    it('should stem English words and ignore case', async () => {
      for (const q of ['running', 'runs', 'run', 'RUNNING', 'Runs!']) {
        assert.deepEqual(await search(q), ['shoes', 'trail'], q);
      }
      assert.deepEqual(await search('shoe'), ['shoes']);
      assert.deepEqual(await search('operator'), ['operators']);
      assert.deepEqual(await search('upgrading'), ['upgrades']);
    });

    it('should match accents exactly, the same way on both databases', async () => {
      assert.deepEqual(await search('café'), ['cafe']);
      assert.deepEqual(await search('CAFÉ'), ['cafe']);
      assert.deepEqual(await search('cafe'), []);
    });

    it('should require every word to match', async () => {
      assert.deepEqual(await search('running beginners'), ['shoes']);
      assert.deepEqual(await search('running breakfast'), ['trail']);
      assert.deepEqual(await search('kubernetes golang'), ['operators']);
      assert.deepEqual(await search('running kubernetes'), []);
    });

    it('should ignore stop words', async () => {
      assert.deepEqual(await search('the running of'), ['shoes', 'trail']);
      assert.deepEqual(await search('Running, and the shoes!'), ['shoes']);
      assert.deepEqual(await search('what is kubernetes'), ['operators', 'upgrades', 'digest']);
    });

    it('should refuse a query without words to search for', async () => {
      for (const query of ['the', '!!!', '', '   ', 'the and of', '?!-']) {
        const e = await expectCode(t.client().SearchContents({ query }), 'BAD_USER_INPUT');
        assert.equal(e.errors[0]?.extensions?.field, 'query', JSON.stringify(query));
      }
    });

    it('should follow content as it is published, edited, archived and deleted', async () => {
      const id = await create({ title: 'Hidden gem', body: 'A quokka appears.' }, false);
      const found = async (query: string) =>
        (await t.client().SearchContents({ query })).searchContents.edges.map((e) => e.node.id);
      assert.deepEqual(await found('quokka'), []);
      await writer.PublishContent({ id });
      assert.deepEqual(await found('quokka'), [id]);
      await writer.UpdateContent({ id, input: { body: 'A wombat appears.' } });
      assert.deepEqual(await found('quokka'), []);
      assert.deepEqual(await found('wombat'), [id]);
      await writer.UpdateContent({ id, input: { title: 'Quokka spotted', tags: ['marsupials'] } });
      assert.deepEqual(await found('quokka'), [id]);
      assert.deepEqual(await found('marsupial'), [id]);
      assert.deepEqual(await found('hidden'), []);
      await writer.ArchiveContent({ id });
      assert.deepEqual(await found('wombat'), []);
      await writer.PublishContent({ id });
      assert.deepEqual(await found('wombat'), [id]);
      await writer.DeleteContent({ id });
      assert.deepEqual(await found('wombat'), []);
    });

    it('should page results with cursors and count them', async () => {
      const all = await t.client().SearchContents({ query: 'zebra', first: 100 });
      const every = all.searchContents.edges.map((e) => e.node.id);
      assert.equal(all.searchContents.totalCount, ZEBRAS);
      assert.equal(new Set(every).size, ZEBRAS);
      assert.equal(all.searchContents.pageInfo.hasNextPage, false);

      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 3; page++) {
        const { searchContents: r } = await t
          .client()
          .SearchContents({ query: 'zebra', first: 2, after: cursor });
        assert.equal(r.totalCount, ZEBRAS);
        assert.equal(r.pageInfo.hasPreviousPage, page > 0);
        assert.equal(r.pageInfo.hasNextPage, page < 2);
        assert.equal(r.pageInfo.startCursor, r.edges[0]?.cursor);
        assert.equal(r.pageInfo.endCursor, r.edges.at(-1)?.cursor);
        seen.push(...r.edges.map((e) => e.node.id));
        cursor = r.pageInfo.endCursor;
      }
      assert.deepEqual(seen, every);

      const counted = await t.client().SearchContents({ query: 'zebra', first: 0 });
      assert.deepEqual(counted.searchContents.edges, []);
      assert.equal(counted.searchContents.totalCount, ZEBRAS);
      assert.equal(counted.searchContents.pageInfo.hasNextPage, true);
    });

    it('should refuse page sizes over 100 and foreign or forged cursors with BAD_USER_INPUT', async () => {
      const e = await expectCode(
        t.client().SearchContents({ query: 'zebra', first: 101 }),
        'BAD_USER_INPUT',
      );
      assert.equal(e.errors[0]?.extensions?.field, 'first');
      const listCursor = (await t.client().Contents({ first: 1 })).contents.pageInfo.endCursor!;
      for (const cursor of [
        'garbage',
        listCursor,
        encodeCursor('search', 'abc'),
        encodeCursor('search', '-1'),
        encodeCursor('search', '1.5'),
        encodeCursor('search', '1e20'),
      ]) {
        const err = await expectCode(
          t.client().SearchContents({ query: 'zebra', after: cursor }),
          'BAD_USER_INPUT',
        );
        assert.equal(err.errors[0]?.extensions?.field, 'after', cursor);
      }
    });
  });
}
