import { performance } from 'node:perf_hooks';
import type { Interaction } from '../../modules/recommendations/model/index.js';
import { gql, inParallel } from './api-client.js';
import { seededRandom } from './split.js';
import { recentTimeline } from './timeline.js';

/** How many author accounts publish the items; a few publish most of them, as in real life. */
export const AUTHORS = 50;
const BATCH = 500; // trackEvents' most events per call
const WIDTH = 2; // requests in flight: the machine is shared
const PASSWORD = 'evaluation password 1';

const SIGN_UP = `mutation($i: SignUpInput!) { signUp(input: $i) { token } }`;
const CREATE = `mutation($i: CreateContentInput!) { createContent(input: $i) { id } }`;
const PUBLISH = `mutation($id: ID!) { publishContent(id: $id) { id } }`;
const TRACK = `mutation($e: [TrackEventInput!]!) { trackEvents(events: $e) { accepted duplicates rejected { index } } }`;

export interface Loaded {
  /** Signed-in token of each MovieLens user. */
  tokens: Map<number, string>;
  /** Content id of each item index. */
  contentOf: string[];
  /** Seconds spent per phase. */
  seconds: { users: number; items: number; events: number };
}

const signUp = async (url: string, handle: string) =>
  (
    await gql<{ signUp: { token: string } }>(url, SIGN_UP, {
      i: { email: `${handle}@eval.test`, password: PASSWORD, handle, displayName: handle },
    })
  ).signUp.token;

/**
 * Loads a MovieLens split through the public API only: one account per user, `AUTHORS`
 * accounts publishing one article per item (author k with weight 1 / (k + 1)), and every
 * training interaction as one VIEW by its user, at its time moved into the last 23 hours
 * (`recentTimeline`). Throws unless every event was accepted.
 */
export async function loadThroughApi(
  url: string,
  nItems: number,
  users: number[],
  train: Interaction[],
  itemNames: string[],
  seed: number,
): Promise<Loaded> {
  let t = performance.now();
  const lap = () => {
    const now = performance.now();
    const seconds = (now - t) / 1000;
    t = now;
    return seconds;
  };
  const authors = await inParallel(
    Array.from({ length: AUTHORS }, (_, k) => k),
    WIDTH,
    (k) => signUp(url, `ml_author_${k}`),
  );
  const userTokens = await inParallel(users, WIDTH, (u) => signUp(url, `ml_user_${u}`));
  const tokens = new Map(users.map((u, i) => [u, userTokens[i]!]));
  const usersSeconds = lap();

  const random = seededRandom(seed);
  const harmonic = authors.reduce((s, _, k) => s + 1 / (k + 1), 0);
  const authorOf = () => {
    let r = random() * harmonic;
    for (let k = 0; k < authors.length; k++) if ((r -= 1 / (k + 1)) <= 0) return k;
    return authors.length - 1;
  };
  const contentOf = await inParallel(
    Array.from({ length: nItems }, (_, i) => i),
    WIDTH,
    async (item) => {
      const token = authors[authorOf()]!;
      const title = itemNames[item]!;
      const { createContent } = await gql<{ createContent: { id: string } }>(
        url,
        CREATE,
        { i: { kind: 'ARTICLE', title, body: `${title}.`, tags: [] } },
        token,
      );
      await gql(url, PUBLISH, { id: createContent.id }, token);
      return createContent.id;
    },
  );
  const itemsSeconds = lap();

  const at = recentTimeline(train, {
    end: Date.now() - 5 * 60_000,
    spanMs: 23 * 3600_000,
    maxGapMs: 30 * 60_000,
  });
  const byUser = new Map<number, { item: number; at: number }[]>();
  train.forEach((x, i) => {
    let list = byUser.get(x.user);
    if (!list) byUser.set(x.user, (list = []));
    list.push({ item: x.item, at: at[i]! });
  });
  const calls: { user: number; events: { item: number; at: number }[] }[] = [];
  for (const [user, list] of byUser) {
    list.sort((a, b) => a.at - b.at);
    for (let i = 0; i < list.length; i += BATCH)
      calls.push({ user, events: list.slice(i, i + BATCH) });
  }
  const outcomes = await inParallel(calls, WIDTH, ({ user, events }) =>
    gql<{ trackEvents: { accepted: number; duplicates: number; rejected: unknown[] } }>(
      url,
      TRACK,
      {
        e: events.map((e) => ({
          id: `ml-${user}-${e.item}`,
          type: 'VIEW',
          contentId: contentOf[e.item],
          occurredAt: new Date(e.at).toISOString(),
        })),
      },
      tokens.get(user),
    ),
  );
  const accepted = outcomes.reduce((s, o) => s + o.trackEvents.accepted, 0);
  if (accepted !== train.length)
    throw new Error(`trackEvents accepted ${accepted} of ${train.length} events`);
  return {
    tokens,
    contentOf,
    seconds: { users: usersSeconds, items: itemsSeconds, events: lap() },
  };
}
