import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type {
  ContentFilter,
  ContentOrder,
  CreateContentInput,
  MediaAssetInput,
} from '../../sdk/src/index.js';
import { Comment, Like } from '../../src/modules/content/index.js';
import { ADMIN_EMAILS, bootServer, type Client, type TestServer } from './server.js';
import type { Target } from './targets.js';

/** Shared fixture of the content test files (each file boots its own server). */
export const MISSING_ID = '00000000-0000-4000-8000-000000000000';
export const PNG: MediaAssetInput = {
  url: 'https://cdn.example.com/a.png',
  mimeType: 'image/png',
  width: 800,
  height: 600,
  sizeBytes: 12_345,
};
export const MP4: MediaAssetInput = {
  url: 'https://cdn.example.com/v.mp4',
  mimeType: 'video/mp4',
  durationSeconds: 12.5,
};
export const ORDERS: ContentOrder[] = ['NEWEST', 'OLDEST', 'MOST_LIKED', 'MOST_VIEWED'];

export type Signed = Awaited<ReturnType<TestServer['user']>>;
export interface Listing {
  edges: { cursor: string; node: { id: string } }[];
}

export const idsOf = (page: Listing) => page.edges.map((e) => e.node.id);
export const sorted = (ids: string[]) => [...ids].sort();
export const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
export const base64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/** Calls `probe` until it returns something truthy, with short pauses; fails after `attempts`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null>,
  attempts = 200,
): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail(`gave up waiting for ${what}`);
}

/** The server and people of the running content suite: an author, a reader, staff. */
export interface ContentFixture {
  t: TestServer;
  ann: Signed;
  bob: Signed;
  mod: Signed;
  admin: Signed;
}

/** Filled by `contentSuite`'s before(); read inside tests only. */
export const fx = {} as ContentFixture;
let handles = 0;

/** Boots a server for the enclosing describe, with ann, bob, a moderator and an admin. */
export function contentSuite(
  target: Target,
  label: string,
  env: Record<string, string> = {},
): void {
  before(async () => {
    fx.t = await bootServer(target, label, { env });
    [fx.ann, fx.bob, fx.mod, fx.admin] = await Promise.all([
      fx.t.user('ann'),
      fx.t.user('bob'),
      fx.t.user('moderator'),
      fx.t.user('admin', { email: ADMIN_EMAILS[0] }),
    ]);
    await fx.admin.client.SetUserRole({ userId: fx.mod.id, role: 'MODERATOR' });
  });
  after(() => fx.t.close());
}

export const newUser = (prefix: string) => fx.t.user(`${prefix}_${++handles}`);

export async function draft(c: Client, input: Partial<CreateContentInput> = {}) {
  const { createContent } = await c.CreateContent({
    input: { kind: 'ARTICLE', title: 'A title', body: 'A body', ...input },
  });
  return createContent;
}

export async function published(c: Client, input: Partial<CreateContentInput> = {}) {
  const { id } = await draft(c, input);
  return (await c.PublishContent({ id })).publishContent;
}

/** The id of a new draft article titled `title`, with the body "About <title>.". */
export async function draftTitled(c: Client, title: string, tags: string[] = []) {
  return (await draft(c, { title, body: `About ${title}.`, tags })).id;
}

/** The id of a new published article titled `title`, with the body "About <title>.". */
export async function publishedTitled(c: Client, title: string, tags: string[] = []) {
  return (await published(c, { title, body: `About ${title}.`, tags })).id;
}

/** Like and comment rows of a content, read straight from the database. */
export async function rows(contentId: string) {
  const em = fx.t.server.orm.em.fork();
  return {
    likes: await em.count(Like, { content: contentId }),
    comments: await em.count(Comment, { content: contentId }),
  };
}

/** Follows endCursor until the last page, checking pageInfo on the way. */
export async function walk(
  c: Client,
  vars: { filter?: ContentFilter; orderBy?: ContentOrder },
  first: number,
) {
  const seen: string[] = [];
  const totals = new Set<number>();
  let cursor: string | null = null;
  for (let pages = 1; pages <= 50; pages++) {
    const { contents } = await c.Contents({ ...vars, first, after: cursor });
    totals.add(contents.totalCount);
    assert.equal(contents.pageInfo.hasPreviousPage, cursor !== null);
    assert.equal(contents.pageInfo.startCursor, contents.edges[0]?.cursor ?? null);
    assert.equal(contents.pageInfo.endCursor, contents.edges.at(-1)?.cursor ?? null);
    seen.push(...idsOf(contents));
    if (!contents.pageInfo.hasNextPage) return { seen, pages, totals: [...totals] };
    assert.equal(contents.edges.length, first);
    cursor = contents.pageInfo.endCursor;
  }
  assert.fail('pagination did not end');
}
