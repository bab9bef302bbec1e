import { randomUUID } from 'node:crypto';
import { sdkClient } from './sdk.js';
import type { TrackEventInput } from '../../sdk/src/generated.js';
import { fx } from './content.js';
import type { Client } from './server.js';

export async function publishedBy(c: Client, title = 'A title') {
  const { createContent } = await c.CreateContent({
    input: {
      kind: 'VIDEO',
      title,
      body: 'A body',
      media: [
        { url: 'https://cdn.example.com/v.mp4', mimeType: 'video/mp4', durationSeconds: 600 },
      ],
    },
  });
  return (await c.PublishContent({ id: createContent.id })).publishContent;
}

/** An event with a fresh id (pass `id` to repeat one). */
export const ev = (
  type: TrackEventInput['type'],
  contentId: string,
  extra: Partial<TrackEventInput> = {},
): TrackEventInput => ({
  id: randomUUID(),
  type,
  contentId,
  ...extra,
});

export const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

/** A client without an account, identified by an anonymous id (pass null for none). */
export function anonymous(id: string | null = `anon-${randomUUID()}`): Client {
  return sdkClient({
    url: fx.t.server.url,
    headers: id === null ? {} : { 'x-anonymous-id': id },
  });
}

/** The content's all-time totals, as the API shows them. */
export async function totals(c: Client, id: string) {
  const { content } = await c.Content({ id });
  return {
    views: content?.viewCount,
    shares: content?.shareCount,
    watchSeconds: content?.watchSeconds,
    likes: content?.likeCount,
    comments: content?.commentCount,
  };
}
