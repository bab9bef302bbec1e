import assert from 'node:assert/strict';
import { before } from 'node:test';
import type { ContentKind, Visibility } from '../../sdk/src/index.js';
import { contentSuite, fx, MP4, newUser, PNG, type Signed } from './content.js';
import { post } from './http.js';
import { join, tierOf } from './memberships.js';
import type { Client } from './server.js';
import type { Target } from './targets.js';

/**
 * The access-rule fixture of the memberships-access test files: ann is a creator with two
 * free tiers (A and B), and one content of each visibility and kind (TIERS gated by A), each
 * body with a word past its preview that only viewers with access may ever receive.
 */
export interface Gated {
  id: string;
  kind: ContentKind;
  visibility: Visibility;
  title: string;
  tags: string[];
  body: string;
  /** A word of the hidden part of the body: in no response to a viewer without access. */
  secret: string;
}

/** Someone reading: `token` null is nobody signed in. */
export interface Viewer {
  name: string;
  token: string | null;
  client: Client;
  id: string | null;
  /** The visibilities of ann's content this viewer may read in full. */
  reads: ReadonlySet<Visibility>;
}

export interface GatedFixture {
  tierA: string;
  tierB: string;
  /** A tier of another creator, which ann may not gate by. */
  otherTier: string;
  memberA: Signed;
  memberB: Signed;
  viewers: Viewer[];
  contents: Gated[];
}

export const gx = {} as GatedFixture;

export const VISIBILITIES: Visibility[] = ['PUBLIC', 'SIGNED_IN', 'MEMBERS', 'TIERS'];
const ALL = new Set(VISIBILITIES);
const FILLER =
  'Boats and gulls drift across the quiet harbour at dawn while the mist lifts slowly over the water. ';

/** The content fields every surface is checked on. */
export const GATE = `fragment Gate on Content {
  id kind title tags visibility viewerHasAccess preview body likeCount commentCount
  media { url } author { id }
}`;

/** Boots the server (contentSuite) and builds the fixture; `publish: false` leaves drafts. */
export function gatedSuite(
  target: Target,
  label: string,
  { env = {}, publish = true }: { env?: Record<string, string>; publish?: boolean } = {},
): void {
  contentSuite(target, label, env);
  before(async () => {
    gx.tierA = (await tierOf(fx.ann.client, { name: 'Tier A' })).id;
    gx.tierB = (await tierOf(fx.ann.client, { name: 'Tier B' })).id;
    const other = await newUser('other_creator');
    gx.otherTier = (await tierOf(other.client)).id;
    [gx.memberA, gx.memberB] = await Promise.all([newUser('member_a'), newUser('member_b')]);
    for (const [m, tierId] of [
      [gx.memberA, gx.tierA],
      [gx.memberB, gx.tierB],
    ] as const) {
      assert.equal((await join(m.client, tierId)).membership.status, 'ACTIVE');
    }
    const signedIn = (name: string, s: Signed, reads: Iterable<Visibility>): Viewer => ({
      name,
      token: s.token,
      client: s.client,
      id: s.id,
      reads: new Set(reads),
    });
    gx.viewers = [
      {
        name: 'anonymous',
        token: null,
        client: fx.t.client(),
        id: null,
        reads: new Set(['PUBLIC']),
      },
      signedIn('a stranger', fx.bob, ['PUBLIC', 'SIGNED_IN']),
      signedIn('a member of A', gx.memberA, ALL),
      signedIn('a member of B only', gx.memberB, ['PUBLIC', 'SIGNED_IN', 'MEMBERS']),
      signedIn('the author', fx.ann, ALL),
      signedIn('a moderator', fx.mod, ALL),
      signedIn('an admin', fx.admin, ALL),
    ];
    gx.contents = [];
    for (const kind of ['IMAGE', 'VIDEO'] as const)
      for (const visibility of VISIBILITIES) {
        const secret = `sesame${gx.contents.length}x`;
        const body = `${FILLER.repeat(3)}Members learn the ${secret} here. ${FILLER}`;
        const title = `Harbour at dawn, ${visibility.toLowerCase()} ${kind.toLowerCase()}`;
        const { createContent } = await fx.ann.client.CreateContent({
          input: {
            kind,
            title,
            body,
            tags: ['harbour', 'dawn'],
            media: [kind === 'IMAGE' ? PNG : MP4],
            visibility,
            tierIds: visibility === 'TIERS' ? [gx.tierA] : null,
          },
        });
        gx.contents.push({
          id: createContent.id,
          kind,
          visibility,
          title,
          tags: ['harbour', 'dawn'],
          body,
          secret,
        });
      }
    if (publish) await publishAll();
  });
}

/** Publishes the fixture's contents (again: publishing published content changes nothing). */
export async function publishAll(): Promise<void> {
  for (const c of gx.contents) await fx.ann.client.PublishContent({ id: c.id });
}

export const mayRead = (v: Viewer, c: Gated) => v.reads.has(c.visibility);

/** The fixture content `id`, or undefined for content of other tests. */
export const gated = (id: string) => gx.contents.find((c) => c.id === id);

export interface GateNode {
  id: string;
  title: string;
  tags: string[];
  visibility: string;
  viewerHasAccess: boolean;
  preview: string;
  body: string;
  likeCount: number;
  commentCount: number;
  media: { url: string }[];
  author: { id: string };
}

/**
 * The access rule as one surface shows a content to a viewer: the whole body and the media
 * with access; otherwise the preview (at most 280 characters, cut at a word, a prefix of the
 * body) and no media; title, tags, author and counts either way.
 */
export function assertGate(node: GateNode, c: Gated, access: boolean, where: string): void {
  const at = `${where}: ${c.visibility} ${c.kind}`;
  assert.equal(node.id, c.id, at);
  assert.deepEqual(
    [node.title, node.tags, node.visibility, node.author.id],
    [c.title, c.tags, c.visibility, fx.ann.id],
    at,
  );
  assert.ok(Number.isInteger(node.likeCount) && Number.isInteger(node.commentCount), at);
  assert.ok(node.preview.length <= 280 && node.preview.length > 200, at);
  assert.ok(c.body.startsWith(node.preview), at);
  assert.match(c.body.slice(node.preview.length), /^\s/, `${at}: cut at a word`);
  assert.equal(node.preview.includes(c.secret), false, at);
  assert.equal(node.viewerHasAccess, access, at);
  if (access) {
    assert.equal(node.body, c.body, at);
    assert.ok(node.media.length > 0, at);
  } else {
    assert.equal(node.body, node.preview, at);
    assert.deepEqual(node.media, [], at);
  }
}

/** What a response's raw text may not contain for `v`: the secrets of content it may not read. */
export function assertNoLeak(text: string, v: Viewer, where: string): void {
  for (const c of gx.contents)
    if (!mayRead(v, c))
      assert.equal(text.includes(c.secret), false, `${where}: ${c.visibility} leaked to ${v.name}`);
}

/**
 * A query over plain HTTP as `v`, so the raw response can be searched for what must not be
 * in it (the SDK's operations do not select the gated fields of every surface).
 */
export async function ask<T>(
  v: Viewer,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const r = await post(
    fx.t.server.url,
    { query, variables },
    v.token ? { authorization: `Bearer ${v.token}` } : {},
  );
  assert.equal(r.body.errors, undefined, r.text);
  assertNoLeak(r.text, v, query.split('{')[0]!.trim());
  return r.body.data as T;
}

/** graphql-ws connection parameters of `v`. */
export const wsAuth = (v: Pick<Viewer, 'token'>) =>
  v.token ? { authorization: `Bearer ${v.token}` } : undefined;
