import { randomUUID } from 'node:crypto';
import { PNG, MP4 } from '../content.js';
import { ADMIN_EMAILS, type Client, type TestServer } from '../server.js';
import { emptyPool, type Pool } from './pool.js';

type Signed = Awaited<ReturnType<TestServer['user']>>;

/** The people of a fuzz run: two authors who chat, a third member, an admin. */
export interface People {
  ann: Signed;
  bob: Signed;
  cat: Signed;
  admin: Signed;
}

const page = <T extends { edges: { cursor: string }[]; pageInfo: { endCursor?: string | null } }>(
  c: T,
) => [...c.edges.map((e) => e.cursor), ...(c.pageInfo.endCursor ? [c.pageInfo.endCursor] : [])];

/**
 * Real rows for generated ids and cursors to hit: published and draft content with tags,
 * media, comments and a like, a direct and a group conversation with messages, and a
 * cursor from every listing.
 */
export async function seedPool(t: TestServer): Promise<{ people: People; pool: Pool }> {
  const [ann, bob, cat, admin] = await Promise.all([
    t.user('fuzz_ann'),
    t.user('fuzz_bob'),
    t.user('fuzz_cat'),
    t.user('fuzz_admin', { email: ADMIN_EMAILS[0] }),
  ]);
  const pool = emptyPool();
  for (const p of [ann, bob, cat, admin]) pool.users.push(p.id);
  pool.handles.push('fuzz_ann', 'fuzz_bob', 'fuzz_cat', 'fuzz_admin');
  pool.emails.push(ann.email, bob.email, cat.email, admin.email);
  pool.tags.push('news', 'video', 'sunset');

  const create = async (c: Client, i: number, publish: boolean) => {
    const kind = (['ARTICLE', 'IMAGE', 'VIDEO'] as const)[i % 3]!;
    const media = kind === 'IMAGE' ? [PNG] : kind === 'VIDEO' ? [MP4] : [];
    const { createContent } = await c.CreateContent({
      input: {
        kind,
        title: `Fuzz ${i} sunset`,
        body: `About sunset number ${i}.`,
        tags: [pool.tags[i % 3]!],
        media,
      },
    });
    if (publish) await c.PublishContent({ id: createContent.id });
    pool.contents.push(createContent.id);
    return createContent.id;
  };
  const published: string[] = [];
  for (let i = 0; i < 8; i++)
    published.push(await create(i % 2 ? bob.client : ann.client, i, true));
  await create(ann.client, 8, false);
  await create(bob.client, 9, false);
  for (const id of published.slice(0, 4)) {
    const { addComment } = await cat.client.AddComment({ contentId: id, body: 'Nice sunset' });
    pool.comments.push(addComment.id);
    await cat.client.LikeContent({ id });
  }
  await cat.client.TrackEvents({
    events: published.map((contentId) => ({ id: randomUUID(), contentId, type: 'VIEW' as const })),
  });

  const { startConversation: direct } = await ann.client.StartConversation({ memberIds: [bob.id] });
  const { startConversation: group } = await ann.client.StartConversation({
    memberIds: [bob.id, cat.id],
    title: 'Fuzz group',
  });
  pool.conversations.push(direct.id, group.id);
  for (const [i, conversationId] of [direct.id, group.id, direct.id, group.id].entries()) {
    const { sendMessage } = await (i % 2 ? bob : ann).client.SendMessage({
      input: { conversationId, body: `Message ${i}` },
    });
    pool.messages.push(sendMessage.id);
    pool.cursors.push(sendMessage.cursor);
  }

  pool.cursors.push(
    ...page((await ann.client.Contents({ first: 2 })).contents),
    ...page((await ann.client.Contents({ first: 2, orderBy: 'MOST_LIKED' })).contents),
    ...page((await ann.client.Contents({ first: 2, orderBy: 'MOST_VIEWED' })).contents),
    ...page((await ann.client.Contents({ first: 2, filter: { status: 'DRAFT' } })).contents),
    ...page((await ann.client.SearchContents({ query: 'sunset', first: 2 })).searchContents),
    ...page((await ann.client.Comments({ contentId: published[0]!, first: 1 })).content!.comments),
    ...page((await ann.client.Conversations({ first: 1 })).conversations),
    ...page((await ann.client.UserContents({ id: bob.id, first: 1 })).user!.contents),
    ...page(
      (await ann.client.ConversationMessages({ id: direct.id, last: 1 })).conversation!.messages,
    ),
  );
  return { people: { ann, bob, cat, admin }, pool };
}
