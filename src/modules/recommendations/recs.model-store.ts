import type { Em } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import {
  buildItemModelInWorker,
  decodeItemModel,
  encodeItemModel,
  type Interaction,
  type ItemModel,
} from './model/index.js';
import { RecModelRow } from './recs.entity.js';
import { decayed } from './recs.weights.js';

const NAME = 'item-cf';
/** A claimed build that has not finished by then is presumed dead (its process crashed). */
const CLAIM_MS = 10 * 60_000;
/** Engagement decayed below this no longer counts. */
const MIN_WEIGHT = 0.05;

export interface LoadedModel {
  /** Content id of each item index. */
  items: string[];
  index: Map<string, number>;
  model: ItemModel;
  builtAt: number;
  /** The interactions (viewer, content pairs) it was built from. */
  interactions: number;
  /** The shared event count (`RecModelRow.events`) when the build read engagement. */
  eventsAtBuild: number;
}

/**
 * The stored form: content ids of the item indices, and the binary model in base64; and
 * what an early rebuild compares against (absent from models stored before it existed:
 * those wait for the scheduled rebuild).
 */
interface Persisted {
  items: string[];
  model: string;
  interactions?: number;
  eventsAtBuild?: number;
}

export interface ModelStoreOptions {
  /** The scheduled rebuild: a model this old is rebuilt. */
  rebuildMs: number;
  pollMs: number;
  /**
   * An early rebuild: once the events since the last build reach `growth` × the
   * interactions it was built from, or `minEvents` when that is more (a young platform
   * rebuilds after that many, not after every few), and no sooner than `minIntervalMs`
   * after the last build.
   */
  early: { growth: number; minEvents: number; minIntervalMs: number };
}

/**
 * The collaborative model every process serves from. Built in a worker thread from all
 * engagement, persisted in the database (so a restart or another process serves it at
 * once), rebuilt every `rebuildMs` by whichever process claims the build, or earlier when
 * engagement has grown enough since (`options.early`: a bulk of engagement on a new
 * platform need not wait for the schedule), and reloaded by the others when they see a
 * newer one. Each process counts the events it records and adds them to the shared count
 * at each poll, so the early rebuild sees every process's engagement, at most a poll late.
 */
export class ModelStore {
  current: LoadedModel | null = null;
  private timer?: NodeJS.Timeout;
  private busy = false;
  /** Events recorded by this process, not yet added to the shared count. */
  private pending = 0;

  constructor(
    private readonly fork: () => Em,
    private readonly logger: Logger,
    private readonly options: ModelStoreOptions,
  ) {}

  /** Counts engagement events this process recorded (the engagement writer calls it). */
  recorded(events: number): void {
    this.pending += events;
  }

  /** Loads the persisted model (awaited: serving is good from the first request), then keeps it fresh. */
  async start(): Promise<void> {
    await this.reload().catch((err: unknown) =>
      this.logger.warn({ err }, 'loading the recommendation model failed'),
    );
    this.timer = setInterval(() => void this.refresh(), this.options.pollMs);
    this.timer.unref();
    // Just loaded: only whether a rebuild is due.
    void this.refresh(false);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Builds now if no other process is building (and, given `notBuiltSince`, if no process
   * has built since then: the claim itself checks it, so two processes that both saw the
   * growth do not build back to back); resolves when this process has the result.
   */
  async rebuild(notBuiltSince?: number): Promise<boolean> {
    const em = this.fork();
    const now = Date.now();
    await this.ensureRow(em);
    const claimed = await em.nativeUpdate(
      RecModelRow,
      {
        name: NAME,
        buildingUntil: { $lt: now },
        ...(notBuiltSince === undefined ? {} : { builtAt: { $lte: notBuiltSince } }),
      },
      { buildingUntil: now + CLAIM_MS },
    );
    if (!claimed) return false;
    try {
      const started = Date.now();
      // Read before the engagement: events recorded meanwhile count toward the next build.
      const eventsAtBuild = await this.sharedEvents(em);
      const { items, interactions, users } = await this.interactions(em);
      const model = await buildItemModelInWorker(items.length, interactions);
      const builtAt = Date.now();
      await em.nativeUpdate(
        RecModelRow,
        { name: NAME },
        {
          builtAt,
          buildingUntil: 0,
          data: JSON.stringify({
            items,
            model: Buffer.from(encodeItemModel(model)).toString('base64'),
            interactions: interactions.length,
            eventsAtBuild,
          } satisfies Persisted),
        },
      );
      this.current = {
        items,
        index: new Map(items.map((id, i) => [id, i])),
        model,
        builtAt,
        interactions: interactions.length,
        eventsAtBuild,
      };
      this.logger.info(
        { items: items.length, users, interactions: interactions.length, ms: builtAt - started },
        'built the recommendation model',
      );
      return true;
    } catch (err) {
      await em
        .nativeUpdate(RecModelRow, { name: NAME }, { buildingUntil: 0 })
        .catch(() => undefined);
      throw err;
    }
  }

  private async refresh(reload = true): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      if (reload) await this.reload();
      const events = await this.addPending();
      const m = this.current;
      const now = Date.now();
      if (!m || now - m.builtAt >= this.options.rebuildMs) await this.rebuild();
      else if (this.grown(m, events, now)) {
        const { minIntervalMs } = this.options.early;
        if (await this.rebuild(now - minIntervalMs))
          this.logger.info(
            { events: events - m.eventsAtBuild, interactions: m.interactions },
            'rebuilt the recommendation model early: engagement grew',
          );
      }
    } catch (err) {
      this.logger.warn(
        { err },
        'refreshing the recommendation model failed; serving the previous one',
      );
    } finally {
      this.busy = false;
    }
  }

  /** Whether engagement has grown enough since `m` was built for an early rebuild. */
  private grown(m: LoadedModel, events: number, now: number): boolean {
    const { growth, minEvents, minIntervalMs } = this.options.early;
    if (now - m.builtAt < minIntervalMs) return false;
    return events - m.eventsAtBuild >= Math.max(minEvents, growth * m.interactions);
  }

  /** Adds this process's recorded events to the shared count; returns the shared count. */
  private async addPending(): Promise<number> {
    const em = this.fork();
    const delta = this.pending;
    if (!delta) return this.sharedEvents(em);
    await this.ensureRow(em);
    const rows = await em
      .getConnection()
      .execute<{ events: number | string }[]>(
        'update rec_models set events = events + ? where name = ? returning events',
        [delta, NAME],
      );
    // Only what was added: events recorded during the update stay pending.
    this.pending -= delta;
    return Number(rows[0]?.events ?? 0);
  }

  private async sharedEvents(em: Em): Promise<number> {
    const row = await em.findOne(RecModelRow, { name: NAME }, { fields: ['events'] });
    return row?.events ?? 0;
  }

  private ensureRow(em: Em): Promise<unknown> {
    return em
      .getConnection()
      .execute(
        `insert into rec_models (name, built_at, building_until, data, events) values (?, 0, 0, '', 0) on conflict do nothing`,
        [NAME],
      );
  }

  /** Takes the persisted model when it is newer than the one in memory. */
  private async reload(): Promise<void> {
    const em = this.fork();
    const head = await em.findOne(RecModelRow, { name: NAME }, { fields: ['builtAt'] });
    if (!head || !head.builtAt || head.builtAt <= (this.current?.builtAt ?? 0)) return;
    const row = await em.findOneOrFail(RecModelRow, { name: NAME });
    const { items, model, interactions, eventsAtBuild } = JSON.parse(row.data) as Persisted;
    this.current = {
      items,
      index: new Map(items.map((id, i) => [id, i])),
      model: decodeItemModel(new Uint8Array(Buffer.from(model, 'base64'))),
      builtAt: row.builtAt,
      // Stored before early rebuilds existed: never grown enough, the schedule rebuilds it.
      interactions: interactions ?? Infinity,
      eventsAtBuild: eventsAtBuild ?? 0,
    };
  }

  private async interactions(
    em: Em,
  ): Promise<{ items: string[]; interactions: Interaction[]; users: number }> {
    const rows = await em
      .getConnection()
      .execute<{ viewer_key: string; content_id: string; score: number; last_at: number }[]>(
        'select viewer_key, content_id, score, last_at from rec_engagements',
      );
    const now = Date.now();
    const users = new Map<string, number>();
    const items = new Map<string, number>();
    const interactions: Interaction[] = [];
    for (const r of rows) {
      const weight = decayed(Number(r.score), now);
      if (weight < MIN_WEIGHT) continue;
      let user = users.get(r.viewer_key);
      if (user === undefined) users.set(r.viewer_key, (user = users.size));
      let item = items.get(r.content_id);
      if (item === undefined) items.set(r.content_id, (item = items.size));
      // The latest engagement's time: the model counts pairs engaged close together more.
      interactions.push({ user, item, weight, at: Number(r.last_at) });
    }
    return { items: [...items.keys()], interactions, users: users.size };
  }
}
