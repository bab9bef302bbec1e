import type { Em } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import type { PubSub } from '../../infra/pubsub.js';
import { Content, CONTENT_PUBLISHED, ContentStatus } from '../content/index.js';
import { TextIndex, type TextDocument } from './model/index.js';
import { AuthorIndex } from './recs.author-index.js';

const PAGE = 1000;

/**
 * Every published content's words and tags, for content similarity. Built from the
 * database at start (in pages, yielding between them), and extended the moment content
 * is published on any process (the content.published event), so new content has
 * neighbours before anyone engaged with it. Archived or deleted content stays in the
 * index until the next start: serving filters by what is readable now. `authors` follows
 * the same content by author.
 */
export class TextStore {
  readonly index = new TextIndex();
  readonly authors = new AuthorIndex();
  private stopListening?: () => Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly pubsub: PubSub,
    private readonly logger: Logger,
  ) {}

  /** Resolves once the database's content is indexed; following publications starts in the background. */
  async start(fork: () => Em): Promise<void> {
    // Not awaited: with Redis unreachable the subscription waits for it, and start-up must not.
    const following = this.pubsub.listen(CONTENT_PUBLISHED).then(async (events) => {
      this.stopListening = async () => events.return?.();
      if (this.stopped) await events.return?.();
      for await (const { content: c } of events) {
        this.add(c.id, c.authorId, Date.parse(c.listedAt), c);
      }
    });
    following.catch((err: unknown) =>
      this.logger.error({ err }, 'the content similarity index stopped following publications'),
    );
    await this.load(fork()).catch((err: unknown) =>
      this.logger.error({ err }, 'building the content similarity index failed'),
    );
  }

  private add(id: string, authorId: string, listedAt: number, doc: TextDocument): void {
    this.index.add(id, doc);
    this.authors.add(id, authorId, listedAt);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.stopListening?.();
  }

  private async load(em: Em): Promise<void> {
    let after: string | null = null;
    for (;;) {
      // No lower bound on the first page: PostgreSQL's uuid has no '' to start after.
      const from: { id?: { $gt: string } } = after === null ? {} : { id: { $gt: after } };
      const page = await em.find(
        Content,
        { status: ContentStatus.PUBLISHED, ...from },
        {
          fields: ['id', 'title', 'body', 'tags', 'author', 'listedAt'],
          orderBy: { id: 'asc' },
          limit: PAGE,
        },
      );
      for (const c of page) {
        const doc = { title: c.title, body: c.body, tags: c.tags };
        this.add(c.id, c.author.id, c.listedAt.getTime(), doc);
      }
      em.clear();
      if (page.length < PAGE) return;
      after = page.at(-1)!.id;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
