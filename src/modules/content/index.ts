import { defineFeature } from '../../feature.js';
import { scheduledTask } from '../../infra/scheduler.js';
import { Comment } from './comment.entity.js';
import { CommentResolver } from './comment.resolver.js';
import { ContentLiveResolver } from './content-live.resolver.js';
import { ContentLiveService } from './content-live.service.js';
import { ContentTag } from './content-tag.entity.js';
import { Content } from './content.entity.js';
import { createContentLoaders, type ContentLoaders } from './content.loaders.js';
import { ContentResolver, UserContentsResolver } from './content.resolver.js';
import { contentRules } from './content.rules.js';
import { contentSearch } from './content.search.js';
import { ContentService } from './content.service.js';
import { ContentCatalog } from './content.catalog.js';
import { Like } from './like.entity.js';
import { ContentAccess } from './content.access.js';

export { Content, ContentKind, ContentStatus, MediaAsset } from './content.entity.js';
export { ContentService } from './content.service.js';
export { ContentCatalog, type ContentTotals, type IndexedContent } from './content.catalog.js';
export { Comment } from './comment.entity.js';
export { ContentTag } from './content-tag.entity.js';
export { Like } from './like.entity.js';
export { canRead, canWatchMetrics, type ContentFacts } from './content.policy.js';
export {
  ContentAccess,
  isGated,
  openBody,
  previewOf,
  Visibility,
  type AccessGrants,
  type BodyAccessRule,
  type BodyFacts,
} from './content.access.js';
export { CONTENT_ACTIVITY, CONTENT_PUBLISHED, CONTENT_REVISED } from './content.topics.js';
export { contentFromSnapshot, contentSnapshot } from './content.snapshots.js';
export type { ContentSnapshot } from './content.topics.js';

declare module '../../context.js' {
  interface Loaders {
    content: ContentLoaders;
  }
}

export interface ContentPublic {
  content: ContentService;
  /** What other features read of content (metrics, recommendations). */
  catalog: ContentCatalog;
  /** Where memberships provides the rule of who may read gated bodies. */
  access: ContentAccess;
}

/** Content: articles, images and video; likes, comments, search, scheduled publication. */
export const content = defineFeature<ContentPublic>({
  name: 'content',
  resolvers: [ContentResolver, UserContentsResolver, CommentResolver, ContentLiveResolver],
  rules: contentRules,
  entities: [Content, ContentTag, Like, Comment],
  create({ pubsub, db, logger, activity, fork, config }) {
    const access = new ContentAccess();
    const service = new ContentService({
      pubsub,
      search: contentSearch(db),
      logger,
      activity,
      access,
    });
    return {
      services: { content: service, catalog: new ContentCatalog(), access },
      resolvers: [
        new ContentResolver(service),
        new UserContentsResolver(service),
        new CommentResolver(service),
        new ContentLiveResolver(new ContentLiveService(pubsub, service)),
      ],
      loaders: (em, viewer) => ({ content: createContentLoaders(em, viewer, access) }),
      tasks: [
        scheduledTask(
          'content scheduler',
          async () => {
            const n = await service.publishDue({
              em: fork(),
              viewer: null,
              clientAddress: 'local',
            });
            if (n) logger.info({ published: n }, 'published scheduled content');
          },
          config.schedulerIntervalMs,
          logger,
        ),
      ],
    };
  },
});
