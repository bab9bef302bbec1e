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
}

/** The stored form: content ids of the item indices, and the binary model in base64. */
interface Persisted {
  items: string[];
  model: string;
}

/**
 * The collaborative model every process serves from. Built in a worker thread from all
 * engagement, persisted in the database (so a restart or another process serves it at
 * once), rebuilt every `rebuildMs` by whichever process claims the build, and reloaded
 * by the others when they see a newer one.
 */
export class ModelStore {
  current: LoadedModel | null = null;
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(
    private readonly fork: () => Em,
    private readonly logger: Logger,
    private readonly options: { rebuildMs: number; pollMs: number },
  ) {}

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

  /** Builds now if no other process is building; resolves when this process has the result. */
  async rebuild(): Promise<boolean> {
    const em = this.fork();
    const now = Date.now();
    await em
      .getConnection()
      .execute(
        `insert into rec_models (name, built_at, building_until, data) values (?, 0, 0, '') on conflict do nothing`,
        [NAME],
      );
    const claimed = await em.nativeUpdate(
      RecModelRow,
      { name: NAME, buildingUntil: { $lt: now } },
      { buildingUntil: now + CLAIM_MS },
    );
    if (!claimed) return false;
    try {
      const started = Date.now();
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
          } satisfies Persisted),
        },
      );
      this.current = { items, index: new Map(items.map((id, i) => [id, i])), model, builtAt };
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
      if (!this.current || Date.now() - this.current.builtAt >= this.options.rebuildMs)
        await this.rebuild();
    } catch (err) {
      this.logger.warn(
        { err },
        'refreshing the recommendation model failed; serving the previous one',
      );
    } finally {
      this.busy = false;
    }
  }

  /** Takes the persisted model when it is newer than the one in memory. */
  private async reload(): Promise<void> {
    const em = this.fork();
    const head = await em.findOne(RecModelRow, { name: NAME }, { fields: ['builtAt'] });
    if (!head || !head.builtAt || head.builtAt <= (this.current?.builtAt ?? 0)) return;
    const row = await em.findOneOrFail(RecModelRow, { name: NAME });
    const { items, model } = JSON.parse(row.data) as Persisted;
    this.current = {
      items,
      index: new Map(items.map((id, i) => [id, i])),
      model: decodeItemModel(new Uint8Array(Buffer.from(model, 'base64'))),
      builtAt: row.builtAt,
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
