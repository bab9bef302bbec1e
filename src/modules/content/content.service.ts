import type { Activity } from '../../infra/activity.js';
import { raw } from '@mikro-orm/core';
import { badInput, conflict, forbidden, notFound } from '../../errors.js';
import { isId, requireViewer, type Actor } from '../accounts/index.js';
import { canModerate, canRead } from './content.access.js';
import { Content, ContentStatus } from './content.entity.js';
import { ContentTag } from './content-tag.entity.js';
import { Comment } from './comment.entity.js';
import { Like } from './like.entity.js';
import type { CreateContentInput, UpdateContentInput } from './content.inputs.js';
import { ContentReader, view } from './content.reader.js';
import { CONTENT_ACTIVITY, CONTENT_PUBLISHED } from './content.topics.js';
import { userSnapshot } from '../accounts/index.js';
import { commentEvent, contentSnapshot } from './content.snapshots.js';
import {
  normalizeTags,
  requirePublishableMedia,
  validateBody,
  validateComment,
  validateMedia,
  validateTitle,
} from './content.validation.js';

/** Everything that changes content, likes and comments, and the events that follow. */
export class ContentService extends ContentReader {
  // ------------------------------------------------------------------ writing

  async create(actor: Actor, input: CreateContentInput): Promise<Content> {
    const viewer = requireViewer(actor);
    const now = new Date();
    const content = actor.em.create(Content, {
      kind: input.kind,
      title: validateTitle(input.title),
      body: validateBody(input.body),
      tags: normalizeTags(input.tags ?? []),
      media: validateMedia(input.kind, input.media ?? []),
      status: ContentStatus.DRAFT,
      author: viewer,
      createdAt: now,
      updatedAt: now,
      listedAt: now,
    });
    for (const tag of content.tags) actor.em.create(ContentTag, { content, tag });
    await actor.em.flush();
    return content;
  }

  async update(actor: Actor, id: string, input: UpdateContentInput): Promise<Content> {
    const content = await this.authored(actor, id);
    if (input.title !== undefined && input.title !== null)
      content.title = validateTitle(input.title);
    if (input.body !== undefined && input.body !== null) content.body = validateBody(input.body);
    if (input.media !== undefined && input.media !== null) {
      const media = validateMedia(content.kind, input.media);
      if (content.status === ContentStatus.PUBLISHED || content.status === ContentStatus.SCHEDULED)
        requirePublishableMedia(content.kind, media);
      content.media = media;
    }
    if (input.tags !== undefined && input.tags !== null) {
      const tags = normalizeTags(input.tags);
      await actor.em.nativeDelete(ContentTag, { content: content.id, tag: { $nin: tags } });
      const existing = new Set(
        (await actor.em.find(ContentTag, { content: content.id })).map((t) => t.tag),
      );
      for (const tag of tags) if (!existing.has(tag)) actor.em.create(ContentTag, { content, tag });
      content.tags = tags;
    }
    content.updatedAt = new Date();
    await actor.em.flush();
    return content;
  }

  async publish(actor: Actor, id: string, at: Date | null | undefined): Promise<Content> {
    const content = await this.authored(actor, id);
    if (at && Number.isNaN(at.getTime())) throw badInput('at', 'is not a valid date-time');
    requirePublishableMedia(content.kind, content.media);
    const now = new Date();
    const scheduling = !!at && at.getTime() > now.getTime();
    if (content.status === ContentStatus.PUBLISHED) {
      if (scheduling) throw conflict('status', 'Content is already published');
      return content;
    }
    // Conditional on not being published yet: of concurrent publications (a double click,
    // the scheduler), one changes the row and announces it; the others see it published.
    const changed = await actor.em.nativeUpdate(
      Content,
      { id: content.id, status: { $ne: ContentStatus.PUBLISHED } },
      scheduling
        ? { status: ContentStatus.SCHEDULED, publishedAt: at, updatedAt: now }
        : { status: ContentStatus.PUBLISHED, publishedAt: now, listedAt: now, updatedAt: now },
    );
    await actor.em.refresh(content);
    if (changed === 0 && scheduling) throw conflict('status', 'Content is already published');
    if (changed === 1 && !scheduling) await this.announce([content]);
    return content;
  }

  async archive(actor: Actor, id: string): Promise<Content> {
    const viewer = requireViewer(actor);
    const content = await this.readable(actor, id);
    if (!canModerate(viewer, content.author.id))
      throw forbidden('Only the author or a moderator may archive this');
    if (content.status !== ContentStatus.ARCHIVED) {
      content.status = ContentStatus.ARCHIVED;
      content.updatedAt = new Date();
      await actor.em.flush();
      await this.access(content.id, ContentStatus.ARCHIVED, content.author.id);
    }
    return content;
  }

  async delete(actor: Actor, id: string): Promise<string> {
    const viewer = requireViewer(actor);
    const content = await this.readable(actor, id);
    if (!canModerate(viewer, content.author.id))
      throw forbidden('Only the author or a moderator may delete this');
    await actor.em.nativeDelete(Content, { id: content.id });
    actor.em.getUnitOfWork().unsetIdentity(content);
    await this.access(content.id, null, content.author.id);
    return content.id;
  }

  async like(actor: Actor, id: string): Promise<Content> {
    const viewer = requireViewer(actor);
    const content = await this.interactable(actor, id);
    const liked = await actor.em.transactional(async (em) => {
      const inserted = await em
        .createQueryBuilder(Like)
        .insert({ user: viewer.id, content: content.id, createdAt: new Date() })
        .onConflict(['user', 'content'])
        .ignore()
        .execute('run');
      if (inserted.affectedRows > 0) {
        await em.nativeUpdate(Content, { id: content.id }, { likeCount: raw('like_count + 1') });
      }
      return inserted.affectedRows > 0;
    });
    if (liked) await this.counted(actor, 'like', viewer.id, content.id);
    await actor.em.refresh(content);
    return content;
  }

  async unlike(actor: Actor, id: string): Promise<Content> {
    const viewer = requireViewer(actor);
    const content = await this.readable(actor, id);
    const unliked = await actor.em.transactional(async (em) => {
      const removed = await em.nativeDelete(Like, { user: viewer.id, content: content.id });
      if (removed > 0) {
        await em.nativeUpdate(Content, { id: content.id }, { likeCount: raw('like_count - 1') });
      }
      return removed > 0;
    });
    if (unliked) await this.counted(actor, 'unlike', viewer.id, content.id);
    await actor.em.refresh(content);
    return content;
  }

  async addComment(actor: Actor, contentId: string, rawBody: string): Promise<Comment> {
    const viewer = requireViewer(actor);
    const body = validateComment(rawBody);
    const content = await this.interactable(actor, contentId);
    const comment = actor.em.create(Comment, {
      content,
      author: viewer,
      body,
      createdAt: new Date(),
    });
    await actor.em.transactional(async (em) => {
      await em.persistAndFlush(comment);
      await em.nativeUpdate(
        Content,
        { id: content.id },
        { commentCount: raw('comment_count + 1') },
      );
    });
    await actor.em.refresh(content);
    await this.counted(actor, 'comment', viewer.id, content.id);
    await this.emit(() =>
      this.deps.pubsub.publish(
        CONTENT_ACTIVITY,
        commentEvent(comment, viewer, content),
        content.id,
      ),
    );
    return comment;
  }

  async deleteComment(actor: Actor, id: string): Promise<string> {
    const viewer = requireViewer(actor);
    const comment = isId(id)
      ? await actor.em.findOne(Comment, { id: id.toLowerCase() }, { populate: ['content'] })
      : null;
    const content = comment?.content.getEntity();
    if (!comment || !content || !canRead(viewer, view(content))) throw notFound('Comment');
    if (comment.author.id !== viewer.id && !canModerate(viewer, content.author.id)) {
      throw forbidden('Only the comment author, the content author or a moderator may delete this');
    }
    const removed = await actor.em.transactional(async (em) => {
      const n = await em.nativeDelete(Comment, { id: comment.id });
      if (n > 0) {
        await em.nativeUpdate(
          Content,
          { id: content.id },
          { commentCount: raw('comment_count - 1') },
        );
      }
      return n > 0;
    });
    if (removed) await this.counted(actor, 'uncomment', viewer.id, content.id);
    actor.em.getUnitOfWork().unsetIdentity(comment);
    return comment.id;
  }

  /**
   * Publishes every SCHEDULED content whose time has come. The status change is one
   * conditional UPDATE per item, so when several processes run the scheduler each item is
   * claimed, and announced, by exactly one of them.
   */
  async publishDue(actor: Actor, now = new Date()): Promise<number> {
    const due = await actor.em.find(
      Content,
      { status: ContentStatus.SCHEDULED, publishedAt: { $lte: now } },
      { orderBy: { publishedAt: 'asc' }, limit: 100 },
    );
    const claimed: Content[] = [];
    for (const c of due) {
      const n = await actor.em.nativeUpdate(
        Content,
        { id: c.id, status: ContentStatus.SCHEDULED, publishedAt: c.publishedAt },
        { status: ContentStatus.PUBLISHED, listedAt: c.publishedAt!, updatedAt: now },
      );
      if (n === 1) claimed.push(c);
    }
    for (const c of claimed) await actor.em.refresh(c);
    await this.announce(claimed);
    return claimed.length;
  }

  // ------------------------------------------------------------------ helpers

  protected async readable(actor: Actor, id: string): Promise<Content> {
    const content = await this.find(actor, id);
    if (!content) throw notFound('Content');
    return content;
  }

  /** Readable and published: the only content that can be liked or commented on. */
  private async interactable(actor: Actor, id: string): Promise<Content> {
    const content = await this.readable(actor, id);
    if (content.status !== ContentStatus.PUBLISHED) {
      throw conflict('status', 'Only published content can be liked or commented on');
    }
    return content;
  }

  /** Content the viewer wrote; others' readable content is FORBIDDEN, the rest NOT_FOUND. */
  private async authored(actor: Actor, id: string): Promise<Content> {
    const viewer = requireViewer(actor);
    const content = await this.readable(actor, id);
    if (content.author.id !== viewer.id) throw forbidden('Only the author may change this content');
    return content;
  }

  private async announce(published: Content[]): Promise<void> {
    if (!published.length) return;
    const authors = await Promise.all(published.map((c) => c.author.load()));
    for (const [i, content] of published.entries()) {
      await this.emit(() =>
        this.deps.pubsub.publish(CONTENT_PUBLISHED, {
          content: contentSnapshot(content),
          author: userSnapshot(authors[i]!),
        }),
      );
    }
  }

  private access(contentId: string, status: ContentStatus | null, authorId: string) {
    return this.emit(() =>
      this.deps.pubsub.publish(
        CONTENT_ACTIVITY,
        { type: 'access', contentStatus: status, contentAuthorId: authorId },
        contentId,
      ),
    );
  }

  /** Likes and comments count towards metrics once committed. */
  private counted(actor: Actor, kind: Activity['kind'], userId: string, contentId: string) {
    return this.deps.activity.record(actor.em, { kind, userId, contentId, at: new Date() });
  }

  /** Events follow committed data; a failed publish is logged, never undoes the write. */
  private async emit(send: () => Promise<void>): Promise<void> {
    try {
      await send();
    } catch (e) {
      this.deps.logger.error({ err: e }, 'publishing an event failed');
    }
  }
}
