import DataLoader from 'dataloader';
import type { Em } from '../../infra/db.js';
import type { User } from '../accounts/index.js';
import { Like } from './like.entity.js';

/** Per-request (per-event for subscriptions) loaders of the content feature. */
export function createContentLoaders(em: Em, viewer: User | null) {
  return {
    /** Whether the viewer likes each content: one query for a whole list. */
    viewerHasLiked: new DataLoader<string, boolean>(async (ids) => {
      if (!viewer) return ids.map(() => false);
      const likes = await em.find(
        Like,
        { user: viewer.id, content: { $in: [...ids] } },
        { fields: ['content'] },
      );
      const liked = new Set(likes.map((l) => l.content.id));
      return ids.map((id) => liked.has(id));
    }),
  };
}

export type ContentLoaders = ReturnType<typeof createContentLoaders>;
