import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bootServer, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';

// The N+1 guard (STYLE.md rule 5): a list query issues a fixed number of SQL statements,
// whatever its length. Each case runs a short and a long page and compares the counts.

const MAIN_AUTHOR_CONTENTS = 50;
const OTHER_AUTHORS = 3;
const OTHER_AUTHOR_CONTENTS = 5;

const LIST = `query($first: Int) {
  contents(first: $first) {
    edges { node { id author { handle } tags likeCount commentCount viewerHasLiked } }
  }
}`;

const USER_CONTENTS = `query($id: ID!, $first: Int) {
  user(id: $id) { contents(first: $first) { edges { node { id author { handle } viewerHasLiked } } } }
}`;

const WITH_COMMENTS = `query($first: Int) {
  contents(first: $first) {
    edges { node { id comments(first: 1) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { body author { handle } } }
    } } }
  }
}`;

interface Node {
  id: string;
  author: { handle: string };
  tags?: string[];
  likeCount?: number;
  commentCount?: number;
  viewerHasLiked?: boolean;
}
interface Page {
  edges: { node: Node }[];
}

for (const target of targets()) {
  describe(`queries (${target.name})`, () => {
    let t: TestServer;
    let viewer: Awaited<ReturnType<TestServer['user']>>;
    let mainAuthorId: string;
    /** Content the viewer liked, and the likes and comments each content got. */
    const liked = new Set<string>();
    const likes = new Map<string, number>();
    const comments = new Map<string, number>();

    before(async () => {
      // No scheduler ticks while statements are counted.
      t = await bootServer(target, 'queries', { env: { SCHEDULER_INTERVAL_MS: '86400000' } });
      viewer = await t.user('q_viewer');
      const fan = await t.user('q_fan');
      const main = await t.user('q_main');
      mainAuthorId = main.id;
      const others = [];
      for (let i = 0; i < OTHER_AUTHORS; i++) others.push(await t.user(`q_other_${i}`));

      const publish = async (author: typeof main, n: number) => {
        const { createContent } = await author.client.CreateContent({
          input: { kind: 'ARTICLE', title: `Post ${n}`, body: 'Body', tags: [`t${n % 4}`, 'all'] },
        });
        await author.client.PublishContent({ id: createContent.id });
        const id = createContent.id;
        likes.set(id, 0);
        comments.set(id, 0);
        if (n % 3 === 0) {
          await viewer.client.LikeContent({ id });
          liked.add(id);
          likes.set(id, 1);
        }
        if (n % 2 === 0) {
          await fan.client.LikeContent({ id });
          likes.set(id, likes.get(id)! + 1);
        }
        for (let c = 0; c < n % 3; c++) {
          await (c ? viewer : fan).client.AddComment({ contentId: id, body: `Comment ${c}` });
          comments.set(id, comments.get(id)! + 1);
        }
      };
      // The other authors' content is among the newest, so every page mixes authors.
      let n = 0;
      for (let i = 0; i < MAIN_AUTHOR_CONTENTS; i++) {
        await publish(main, n++);
        if (i >= MAIN_AUTHOR_CONTENTS - OTHER_AUTHORS * OTHER_AUTHOR_CONTENTS) {
          await publish(others[i % OTHER_AUTHORS]!, n++);
        }
      }
    });
    after(() => t.close());

    /** Runs `query` over HTTP and returns its data with the SQL statements it cost. */
    async function measure<T>(
      query: string,
      variables: Record<string, unknown>,
      token: string | null,
    ): Promise<{ data: T; statements: number }> {
      t.queries.length = 0;
      const response = await fetch(t.server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data: T; errors?: unknown[] };
      const statements = t.queries.length;
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      return { data: body.data, statements };
    }

    function checkPage(page: Page, size: number) {
      assert.equal(page.edges.length, size);
      for (const { node } of page.edges) {
        assert.equal(node.viewerHasLiked, liked.has(node.id), `viewerHasLiked of ${node.id}`);
        assert.equal(node.likeCount, likes.get(node.id));
        assert.equal(node.commentCount, comments.get(node.id));
        assert.ok(node.tags?.includes('all'));
      }
      const authors = new Set(page.edges.map((e) => e.node.author.handle));
      assert.ok(authors.size >= 2, `authors on the page: ${[...authors].join(', ')}`);
    }

    it('should list contents with authors, tags, counts and likes in constant statements', async () => {
      for (const [who, token] of [
        ['signed in', viewer.token],
        ['anonymous', null],
      ] as const) {
        const short = await measure<{ contents: Page }>(LIST, { first: 5 }, token);
        const long = await measure<{ contents: Page }>(LIST, { first: 50 }, token);
        console.log(
          `contents ${who}: ${short.statements} statements for 5, ${long.statements} for 50`,
        );
        if (token) {
          checkPage(short.data.contents, 5);
          checkPage(long.data.contents, 50);
          assert.equal(
            new Set(long.data.contents.edges.map((e) => e.node.author.handle)).size,
            1 + OTHER_AUTHORS,
          );
        }
        assert.ok(short.statements > 0);
        assert.equal(long.statements, short.statements, `${who}: 5 vs 50 items`);
      }
    });

    it("should keep the SDK's Contents operation constant too", async () => {
      const count = async (first: number) => {
        t.queries.length = 0;
        const { contents } = await viewer.client.Contents({ first });
        assert.equal(contents.edges.length, first);
        return t.queries.length;
      };
      const [short, long] = [await count(5), await count(50)];
      console.log(`SDK Contents: ${short} statements for 5, ${long} for 50`);
      assert.equal(long, short);
    });

    it('should load the first comments under every item of a list in constant statements', async () => {
      type CommentPage = {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        edges: { node: { body: string; author: { handle: string } } }[];
      };
      type Row = { node: { id: string; comments: CommentPage } };
      const run = (first: number) =>
        measure<{ contents: { edges: Row[] } }>(WITH_COMMENTS, { first }, viewer.token);
      const short = await run(5);
      const long = await run(50);
      console.log(`contents with comments: ${short.statements} for 5, ${long.statements} for 50`);
      assert.equal(long.statements, short.statements);
      for (const { node } of long.data.contents.edges) {
        const expected = comments.get(node.id)!;
        assert.equal(node.comments.totalCount, expected);
        assert.equal(node.comments.edges.length, Math.min(1, expected));
        assert.equal(node.comments.pageInfo.hasNextPage, expected > 1);
        if (expected > 1) {
          // The batched first page's cursor continues in the per-content query.
          const next = await viewer.client.Comments({
            contentId: node.id,
            first: 10,
            after: node.comments.pageInfo.endCursor,
          });
          const rest = next.content!.comments.edges.map((e) => e.node.body);
          assert.deepEqual(rest, ['Comment 1']);
          assert.equal(node.comments.edges[0]!.node.body, 'Comment 0');
        }
      }
    });

    it("should load a user's contents with their author in constant statements", async () => {
      const count = async (first: number) => {
        const { data, statements } = await measure<{ user: { contents: Page } }>(
          USER_CONTENTS,
          { id: mainAuthorId, first },
          viewer.token,
        );
        assert.equal(data.user.contents.edges.length, first);
        for (const { node } of data.user.contents.edges) {
          assert.equal(node.author.handle, 'q_main');
          assert.equal(node.viewerHasLiked, liked.has(node.id));
        }
        return statements;
      };
      const [short, long] = [await count(5), await count(50)];
      console.log(`user.contents: ${short} statements for 5, ${long} for 50`);
      assert.ok(short > 0);
      assert.equal(long, short);
    });
  });
}
