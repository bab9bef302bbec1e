import type { Em } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import type { PubSub } from '../../infra/pubsub.js';
import {
  CONTENT_PUBLISHED,
  CONTENT_REVISED,
  openBody,
  type ContentCatalog,
} from '../content/index.js';
import { TextIndex, type TextDocument } from './model/index.js';
import { AuthorIndex } from './recs.author-index.js';

const PAGE = 1000;
/**
 * How far before the newest listing seen a catch-up looks: a transaction that commits late,
 * or another machine's clock, can list content slightly in the past.
 */
const CATCH_UP_MARGIN_MS = 60_000;

/**
 * Every published content's words and tags, for content similarity. Built from the
 * database at start (in pages, yielding between them), and extended the moment content
 * is published on any process (the content.published event), so new content has
 * neighbours before anyone engaged with it; every `pollMs` it also reads what was listed
 * since (one indexed query), so a publication whose event was lost (Redis down, or several
 * processes without Redis) still arrives. Archived or deleted content stays in the index
 * until the next start: serving filters by what is readable now. `authors` follows the same
 * content by author.
 */
export class TextStore {
  readonly index = new TextIndex();
  readonly authors = new AuthorIndex();
  private stopListening?: () => Promise<unknown>;
  private stopRevising?: () => Promise<unknown>;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  /** The catch-up in flight, if any: one at a time, and awaited by `stop()`. */
  private catchingUp: Promise<unknown> | null = null;
  /** The latest listing time indexed (epoch ms). */
  private newest = -Infinity;

  constructor(
    private readonly catalog: ContentCatalog,
    private readonly pubsub: PubSub,
    private readonly logger: Logger,
    private readonly pollMs: number,
  ) {}

  /** Resolves once the database's content is indexed; following publications starts in the background. */
  async start(fork: () => Em): Promise<void> {
    // Not awaited: with Redis unreachable the subscription waits for it, and start-up must not.
    const following = this.pubsub.listen(CONTENT_PUBLISHED).then(async (events) => {
      this.stopListening = async () => events.return?.();
      if (this.stopped) await events.return?.();
      for await (const { content: c } of events) {
        // A gated body is indexed by its preview: similarity never ranks on hidden words.
        this.add(c.id, c.authorId, Date.parse(c.listedAt), {
          title: c.title,
          body: openBody(c),
          tags: c.tags,
        });
      }
    });
    following.catch((err: unknown) =>
      this.logger.error({ err }, 'the content similarity index stopped following publications'),
    );
    const revising = this.pubsub.listen(CONTENT_REVISED).then(async (events) => {
      this.stopRevising = async () => events.return?.();
      if (this.stopped) await events.return?.();
      // An edited content's words are indexed anew: a body gated after publication (or
      // rewritten) stops counting with its old words.
      for await (const { content: c } of events) {
        if (!this.index.has(c.id)) continue;
        this.index.remove(c.id);
        this.index.add(c.id, { title: c.title, body: openBody(c), tags: c.tags });
      }
    });
    revising.catch((err: unknown) =>
      this.logger.error({ err }, 'the content similarity index stopped following edits'),
    );
    await this.catchUp(fork()).catch((err: unknown) =>
      this.logger.error({ err }, 'building the content similarity index failed'),
    );
    this.timer = setInterval(() => {
      if (this.catchingUp) return;
      this.catchingUp = this.catchUp(fork())
        .catch((err: unknown) => this.logger.warn({ err }, 'catching up with publications failed'))
        .finally(() => (this.catchingUp = null));
    }, this.pollMs);
    this.timer.unref();
  }

  private add(id: string, authorId: string, listedAt: number, doc: TextDocument): void {
    this.index.add(id, doc);
    this.authors.add(id, authorId, listedAt);
    this.newest = Math.max(this.newest, listedAt);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.stopListening?.();
    await this.stopRevising?.();
    await this.catchingUp;
  }

  /**
   * Indexes published content listed since the newest seen (all of it the first time), in
   * pages by (listedAt, id), through the (status, listed_at, id) index; content already
   * indexed is skipped. Returns how many were added.
   */
  private async catchUp(em: Em): Promise<number> {
    const since = Number.isFinite(this.newest) ? new Date(this.newest - CATCH_UP_MARGIN_MS) : null;
    let cursor: { at: Date; id: string } | null = null;
    let added = 0;
    for (;;) {
      const page = await this.catalog.publishedPage(em, { cursor, since }, PAGE);
      for (const c of page) {
        if (this.index.has(c.id)) continue;
        // The catalog gives a gated content's preview as its body.
        this.add(c.id, c.author.id, c.listedAt.getTime(), {
          title: c.title,
          body: c.body,
          tags: c.tags,
        });
        added++;
      }
      em.clear();
      if (page.length < PAGE || this.stopped) return added;
      const last: { id: string; listedAt: Date } = page.at(-1)!;
      cursor = { at: last.listedAt, id: last.id };
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
