import { badInput, conflict, forbidden, notFound } from '../../errors.js';
import { ContentReason } from './content.errors.js';
import { userActor, type Activity } from '../../infra/activity.js';
import { bump, commit, settle, type Committed, type Em } from '../../infra/db.js';
import { isId, userSnapshot, type Actor, type SignedInActor } from '../accounts/index.js';
import { canEdit, canInteract, canModerate, canRead } from './content.policy.js';
import { Content, ContentStatus } from './content.entity.js';
import { ContentTag } from './content-tag.entity.js';
import { Comment } from './comment.entity.js';
import { Like } from './like.entity.js';
import type { CreateContentInput, UpdateContentInput } from './content.inputs.js';
import { bodyFacts, ContentReader, view } from './content.reader.js';
import { previewOf, Visibility, type BodyFacts } from './content.access.js';

/** The most tiers one content may be gated by. */
const MAX_GATING_TIERS = 20;
import { CONTENT_ACTIVITY, CONTENT_PUBLISHED, CONTENT_REVISED } from './content.topics.js';
import { commentEvent, contentSnapshot } from './content.snapshots.js';
import {
  normalizeTags,
  requirePublishableMedia,
  validateBody,
  validateComment,
  validateMedia,
  validateTitle,
} from './content.validation.js';

/**
 * Everything that changes content, likes and comments, and the events that follow. Every
 * write goes through `commit`: checks and changes in one transaction on a clean fork, the
 * events after it commits. What a mutation returns is the committed row.
 */
export class ContentService extends ContentReader {
  // ------------------------------------------------------------------ writing

  create(actor: SignedInActor, input: CreateContentInput): Promise<Content> {
    const title = validateTitle(input.title);
    const body = validateBody(input.body);
    const tags = normalizeTags(input.tags ?? []);
    const media = validateMedia(input.kind, input.media ?? []);
    return commit(actor, async (tx) => {
      const now = new Date();
      const visibility = input.visibility ?? Visibility.PUBLIC;
      const tierIds = await this.gateTiers(tx, actor.viewer.id, visibility, input.tierIds ?? []);
      const content = tx.create(Content, {
        kind: input.kind,
        title,
        body,
        preview: previewOf(body),
        visibility,
        tierIds,
        tags,
        media,
        status: ContentStatus.DRAFT,
        author: actor.viewer.id,
        createdAt: now,
        updatedAt: now,
        listedAt: now,
      });
      for (const tag of content.tags) tx.create(ContentTag, { content, tag });
      return content;
    });
  }

  update(actor: SignedInActor, id: string, input: UpdateContentInput): Promise<Content> {
    return commit(actor, async (tx, committed) => {
      const content = await this.editable(tx, actor, id);
      if (input.title !== undefined && input.title !== null)
        content.title = validateTitle(input.title);
      if (input.body !== undefined && input.body !== null) {
        content.body = validateBody(input.body);
        content.preview = previewOf(content.body);
      }
      if (input.visibility || input.tierIds) {
        const visibility = input.visibility ?? content.visibility;
        const kept = visibility === Visibility.TIERS ? content.tierIds : [];
        content.tierIds = await this.gateTiers(
          tx,
          actor.viewer.id,
          visibility,
          input.tierIds ?? kept,
        );
        content.visibility = visibility;
        content.preview ??= previewOf(content.body);
      }
      if (input.media !== undefined && input.media !== null) {
        const media = validateMedia(content.kind, input.media);
        if (
          content.status === ContentStatus.PUBLISHED ||
          content.status === ContentStatus.SCHEDULED
        )
          requirePublishableMedia(content.kind, media);
        content.media = media;
      }
      if (input.tags !== undefined && input.tags !== null) {
        const tags = normalizeTags(input.tags);
        await tx.nativeDelete(ContentTag, { content: content.id, tag: { $nin: tags } });
        const existing = new Set(
          (await tx.find(ContentTag, { content: content.id })).map((t) => t.tag),
        );
        for (const tag of tags) if (!existing.has(tag)) tx.create(ContentTag, { content, tag });
        content.tags = tags;
      }
      content.updatedAt = new Date();
      if (content.status === ContentStatus.PUBLISHED) {
        const revised = contentSnapshot(content);
        committed.afterCommit(() =>
          this.emit(() => this.deps.pubsub.publish(CONTENT_REVISED, { content: revised })),
        );
      }
      return content;
    });
  }

  publish(actor: SignedInActor, id: string, at: Date | null | undefined): Promise<Content> {
    return commit(actor, async (tx, committed) => {
      const content = await this.editable(tx, actor, id);
      if (at && Number.isNaN(at.getTime())) throw badInput('at', 'is not a valid date-time');
      requirePublishableMedia(content.kind, content.media);
      const now = new Date();
      const scheduling = !!at && at.getTime() > now.getTime();
      if (content.status === ContentStatus.PUBLISHED) {
        if (scheduling)
          throw conflict('status', 'Content is already published', ContentReason.ALREADY_PUBLISHED);
        return content;
      }
      // Conditional on not being published yet: of concurrent publications (a double click,
      // the scheduler), one changes the row and announces it; the others see it published.
      const changes = scheduling
        ? { status: ContentStatus.SCHEDULED, publishedAt: at, updatedAt: now }
        : { status: ContentStatus.PUBLISHED, publishedAt: now, listedAt: now, updatedAt: now };
      const changed = await tx.nativeUpdate(
        Content,
        { id: content.id, status: { $ne: ContentStatus.PUBLISHED } },
        changes,
      );
      if (changed === 0) {
        if (scheduling)
          throw conflict('status', 'Content is already published', ContentReason.ALREADY_PUBLISHED);
        await tx.refresh(content);
        return content;
      }
      settle(tx, content, changes);
      if (!scheduling) this.announce(committed, [content]);
      return content;
    });
  }

  archive(actor: SignedInActor, id: string): Promise<Content> {
    return commit(actor, async (tx, committed) => {
      const content = await this.readable(tx, actor, id);
      if (!canModerate(actor.viewer, view(content)))
        throw forbidden(
          'Only the author or a moderator may archive this',
          ContentReason.NOT_AUTHOR_OR_MODERATOR,
        );
      if (content.status !== ContentStatus.ARCHIVED) {
        content.status = ContentStatus.ARCHIVED;
        content.updatedAt = new Date();
        this.access(committed, content.id, ContentStatus.ARCHIVED, content.author.id);
      }
      return content;
    });
  }

  delete(actor: SignedInActor, id: string): Promise<string> {
    return commit(actor, async (tx, committed) => {
      const content = await this.readable(tx, actor, id);
      if (!canModerate(actor.viewer, view(content)))
        throw forbidden(
          'Only the author or a moderator may delete this',
          ContentReason.NOT_AUTHOR_OR_MODERATOR,
        );
      await tx.nativeDelete(Content, { id: content.id });
      this.access(committed, content.id, null, content.author.id);
      return content.id;
    });
  }

  like(actor: SignedInActor, id: string): Promise<Content> {
    return commit(actor, async (tx, committed) => {
      const content = await this.interactable(tx, actor, id);
      const inserted = await tx
        .createQueryBuilder(Like)
        .insert({ user: actor.viewer.id, content: content.id, createdAt: new Date() })
        .onConflict(['user', 'content'])
        .ignore()
        .execute('run');
      if (inserted.affectedRows > 0) {
        settle(tx, content, { likeCount: await bump(tx, 'contents', 'like_count', content.id, 1) });
        this.counted(actor, committed, 'like', content.id);
      }
      return content;
    });
  }

  unlike(actor: SignedInActor, id: string): Promise<Content> {
    return commit(actor, async (tx, committed) => {
      const content = await this.readable(tx, actor, id);
      const removed = await tx.nativeDelete(Like, { user: actor.viewer.id, content: content.id });
      if (removed > 0) {
        settle(tx, content, {
          likeCount: await bump(tx, 'contents', 'like_count', content.id, -1),
        });
        this.counted(actor, committed, 'unlike', content.id);
      }
      return content;
    });
  }

  /**
   * Whether the viewer may read a body with these facts now; the viewer's memberships are
   * read (in `actor.em`) only for gated content that is not their own.
   */
  async mayReadBody(actor: Actor, facts: BodyFacts): Promise<boolean> {
    const [readable] = await this.deps.access.decide(actor.viewer?.id ?? null, [facts], () =>
      this.deps.access.get().grants(actor.em, actor.viewer, new Date()),
    );
    return readable!;
  }

  addComment(actor: SignedInActor, contentId: string, rawBody: string): Promise<Comment> {
    const body = validateComment(rawBody);
    return commit(actor, async (tx, committed) => {
      const content = await this.interactable(tx, actor, contentId);
      if (!(await this.mayReadBody({ ...actor, em: tx }, bodyFacts(content))))
        throw forbidden(
          'Only those who may read this content may comment on it',
          ContentReason.MEMBERS_ONLY,
        );
      const comment = tx.create(Comment, {
        content,
        author: actor.viewer.id,
        body,
        createdAt: new Date(),
      });
      await tx.flush();
      settle(tx, content, {
        commentCount: await bump(tx, 'contents', 'comment_count', content.id, 1),
      });
      this.counted(actor, committed, 'comment', content.id);
      committed.afterCommit(() =>
        this.emit(() =>
          this.deps.pubsub.publish(
            CONTENT_ACTIVITY,
            commentEvent(comment, actor.viewer, content),
            content.id,
          ),
        ),
      );
      return comment;
    });
  }

  deleteComment(actor: SignedInActor, id: string): Promise<string> {
    const viewer = actor.viewer;
    return commit(actor, async (tx, committed) => {
      const comment = isId(id)
        ? await tx.findOne(Comment, { id: id.toLowerCase() }, { populate: ['content'] })
        : null;
      const content = comment?.content.getEntity();
      if (!comment || !content || !canRead(viewer, view(content))) throw notFound('Comment');
      if (comment.author.id !== viewer.id && !canModerate(viewer, view(content))) {
        throw forbidden(
          'Only the comment author, the content author or a moderator may delete this',
          ContentReason.NOT_AUTHOR_OR_MODERATOR,
        );
      }
      const n = await tx.nativeDelete(Comment, { id: comment.id });
      if (n > 0) {
        await bump(tx, 'contents', 'comment_count', content.id, -1);
        this.counted(actor, committed, 'uncomment', content.id);
      }
      return comment.id;
    });
  }

  /**
   * Publishes every SCHEDULED content whose time has come. The status change is one
   * conditional UPDATE per item, so when several processes run the scheduler each item is
   * claimed, and announced, by exactly one of them.
   */
  publishDue(actor: Actor, now = new Date()): Promise<number> {
    return commit(actor, async (tx, committed) => {
      const due = await tx.find(
        Content,
        { status: ContentStatus.SCHEDULED, publishedAt: { $lte: now } },
        { orderBy: { publishedAt: 'asc' }, limit: 100 },
      );
      const claimed: Content[] = [];
      for (const c of due) {
        const changes = {
          status: ContentStatus.PUBLISHED,
          listedAt: c.publishedAt!,
          updatedAt: now,
        };
        const n = await tx.nativeUpdate(
          Content,
          { id: c.id, status: ContentStatus.SCHEDULED, publishedAt: c.publishedAt },
          changes,
        );
        if (n === 1) claimed.push(settle(tx, c, changes));
      }
      this.announce(committed, claimed);
      return claimed.length;
    });
  }

  // ------------------------------------------------------------------ helpers

  /** The tiers a content of this visibility is gated by: validated, [] unless TIERS. */
  private async gateTiers(
    tx: Em,
    authorId: string,
    visibility: Visibility,
    tierIds: readonly string[],
  ): Promise<string[]> {
    if (visibility !== Visibility.TIERS) {
      if (tierIds.length)
        throw badInput('tierIds', 'is only for visibility TIERS', ContentReason.TIERS_NOT_EXPECTED);
      return [];
    }
    if (!tierIds.length)
      throw badInput(
        'tierIds',
        'must name at least one of your tiers for visibility TIERS',
        ContentReason.TIERS_REQUIRED,
      );
    if (tierIds.length > MAX_GATING_TIERS)
      throw badInput('tierIds', `must name at most ${MAX_GATING_TIERS} tiers`);
    return this.deps.access.get().checkTiers(tx, authorId, tierIds);
  }

  protected async readable(tx: Em, actor: Actor, id: string): Promise<Content> {
    const content = await this.find({ ...actor, em: tx }, id);
    if (!content) throw notFound('Content');
    return content;
  }

  /** Readable and published: the only content that can be liked or commented on. */
  private async interactable(tx: Em, actor: Actor, id: string): Promise<Content> {
    const content = await this.readable(tx, actor, id);
    if (!canInteract(actor.viewer, view(content))) {
      throw conflict(
        'status',
        'Only published content can be liked or commented on',
        ContentReason.NOT_PUBLISHED,
      );
    }
    return content;
  }

  /** Content the viewer may edit; others' readable content is FORBIDDEN, the rest NOT_FOUND. */
  private async editable(tx: Em, actor: SignedInActor, id: string): Promise<Content> {
    const content = await this.readable(tx, actor, id);
    if (!canEdit(actor.viewer, view(content)))
      throw forbidden('Only the author may change this content', ContentReason.NOT_AUTHOR);
    return content;
  }

  private announce(committed: Committed, published: Content[]): void {
    if (!published.length) return;
    committed.afterCommit(async () => {
      const authors = await Promise.all(published.map((c) => c.author.load()));
      for (const [i, content] of published.entries()) {
        await this.emit(() =>
          this.deps.pubsub.publish(CONTENT_PUBLISHED, {
            content: contentSnapshot(content),
            author: userSnapshot(authors[i]!),
          }),
        );
      }
    });
  }

  private access(
    committed: Committed,
    contentId: string,
    status: ContentStatus | null,
    authorId: string,
  ): void {
    committed.afterCommit(() =>
      this.emit(() =>
        this.deps.pubsub.publish(
          CONTENT_ACTIVITY,
          { type: 'access', contentStatus: status, contentAuthorId: authorId },
          contentId,
        ),
      ),
    );
  }

  /** Likes and comments count towards metrics once committed. */
  private counted(
    actor: SignedInActor,
    committed: Committed,
    kind: Activity['kind'],
    contentId: string,
  ): void {
    committed.afterCommit(() =>
      this.deps.activity.record(actor.em, [
        { kind, actor: userActor(actor.viewer.id), contentId, at: new Date() },
      ]),
    );
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
