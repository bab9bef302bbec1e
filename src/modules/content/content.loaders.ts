import DataLoader from 'dataloader';
import type { Em } from '../../infra/db.js';
import type { Page } from '../../infra/pagination.js';
import { findUserRows, type User } from '../accounts/index.js';
import type { Comment } from './comment.entity.js';
import type { Content } from './content.entity.js';
import { bodyFacts, firstCommentPages, type ContentRow } from './content.reader.js';
import { Like } from './like.entity.js';
import type { AccessGrants, ContentAccess } from './content.access.js';

/** Per-request (per-event for subscriptions) loaders of the content feature. */
export function createContentLoaders(em: Em, viewer: User | null, access: ContentAccess) {
  let grants: Promise<AccessGrants> | null = null;
  const loadGrants = () => (grants ??= access.get().grants(em, viewer, new Date()));
  return {
    /** What the viewer holds now (memberships): read once, whatever the number of contents. */
    grants: loadGrants,

    /**
     * Whether the viewer may read each content's whole body and media: the memberships
     * rule, with one read of the viewer's grants for a whole list.
     */
    bodyAccess: new DataLoader<Content | ContentRow, boolean, string>(
      (contents) => access.decide(viewer?.id ?? null, contents.map(bodyFacts), loadGrants),
      { cacheKeyFn: (c) => c.id },
    ),

    /** The authors of a list's contents (plain rows, `ContentRow`): one query for a whole list. */
    author: new DataLoader<string, User>(async (ids) => {
      const byId = new Map((await findUserRows(em, ids)).map((u) => [u.id, u]));
      return ids.map((id) => byId.get(id) ?? new Error(`no user ${id}, author of a content`));
    }),

    /** Whether the viewer likes each content: one query for a whole list. */
    viewerHasLiked: new DataLoader<string, boolean>(async (ids) => {
      if (!viewer) return ids.map(() => false);
      // Rows, not entities: only the ids are read.
      const likes = await em
        .getDriver()
        .find<Like>(
          Like.name,
          { user: viewer.id, content: { $in: [...ids] } },
          { fields: ['content'] as never[], ctx: em.getTransactionContext() },
        );
      const liked = new Set(likes.map((l) => l.content as unknown as string));
      return ids.map((id) => liked.has(id));
    }),

    /** The first page of comments of each content: one query per page size for a whole list. */
    firstComments: new DataLoader<
      { content: Content | ContentRow; size: number },
      Page<Comment>,
      string
    >(
      async (keys) => {
        const pages = new Map<string, Page<Comment>>();
        for (const size of new Set(keys.map((k) => k.size))) {
          const contents = keys.filter((k) => k.size === size).map((k) => k.content);
          const result = await firstCommentPages(em, contents, size);
          contents.forEach((c, i) => pages.set(`${c.id}|${size}`, result[i]!));
        }
        return keys.map((k) => pages.get(`${k.content.id}|${k.size}`)!);
      },
      { cacheKeyFn: (k) => `${k.content.id}|${k.size}` },
    ),
  };
}

export type ContentLoaders = ReturnType<typeof createContentLoaders>;
