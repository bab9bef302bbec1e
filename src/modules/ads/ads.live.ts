import type { Context, SignedIn } from '../../context.js';
import type { Em } from '../../infra/db.js';
import { onStreamEnd } from '../../infra/streams.js';
import type { Logger } from '../../infra/logger.js';
import { findRoles } from '../accounts/index.js';
import type { OrganizationsService } from '../partners/index.js';
import { Ticker } from '../metrics/index.js';
import { canSeeCampaigns } from './ads.policy.js';
import type { CampaignsService } from './ads.service.js';
import { statsOf } from './ads.stats.js';
import type { AdsStore } from './ads.store.js';
import type { CampaignStats } from './ads.types.js';
import { Campaign } from './campaign.entity.js';

const withoutTime = (s: CampaignStats) => JSON.stringify({ ...s, at: undefined });

interface Guarded {
  userId: string;
  organizationId: string;
  end: () => void;
}

/**
 * `campaignStats`: authorised at subscribe time (the campaign's organisation members, or its
 * key with ADS_MANAGE) and, for people, again every `recheckMs` (a member removed from the
 * organisation stops receiving; a revoked key's socket is closed by the server). Values come
 * from a shared Ticker: one computation per campaign per tick on this process, whatever the
 * number of subscribers, and an update only when a figure changed.
 */
export class CampaignStatsLive {
  private readonly ticker: Ticker;
  private rechecking?: NodeJS.Timeout;
  private readonly guarded = new Set<Guarded>();
  private fork: () => Em = () => {
    throw new Error('CampaignStatsLive.start() was not called');
  };

  constructor(
    private readonly campaigns: CampaignsService,
    private readonly organizations: OrganizationsService,
    private readonly store: AdsStore,
    private readonly options: { tickMs: number; recheckMs: number },
    logger: Logger,
  ) {
    this.ticker = new Ticker(options.tickMs, logger);
  }

  start(fork: () => Em): void {
    this.fork = fork;
    this.ticker.start();
    this.rechecking = setInterval(
      () => void this.recheck().catch(() => undefined), // database down: check again later
      this.options.recheckMs,
    );
    this.rechecking.unref();
  }

  stop(): void {
    clearInterval(this.rechecking);
    this.ticker.stop();
  }

  async campaignStats(
    ctx: SignedIn<Context>,
    campaignId: string,
  ): Promise<AsyncIterableIterator<CampaignStats>> {
    const c = await this.campaigns.visible(ctx, campaignId);
    const { id } = c;
    const stream = this.ticker.watch(`campaign:${id}`, () => this.compute(id), withoutTime);
    if (ctx.apiKey) return stream;
    return this.guard(stream, {
      userId: ctx.viewer.id,
      organizationId: c.organization.id,
      end: () => void stream.return?.(),
    });
  }

  private async compute(id: string): Promise<CampaignStats | null> {
    const c = await this.fork().findOne(Campaign, { id }, { disableIdentityMap: true });
    if (!c) return null;
    const reach = (await this.store.reach([id])).get(id) ?? 0;
    return statsOf(c, reach, new Date());
  }

  private guard<T>(stream: AsyncIterableIterator<T>, entry: Guarded): AsyncIterableIterator<T> {
    this.guarded.add(entry);
    return onStreamEnd(stream, () => this.guarded.delete(entry));
  }

  /** Every guarded subscriber's roles in batched queries; those who lost the right are ended. */
  private async recheck(): Promise<void> {
    if (!this.guarded.size) return;
    const em = this.fork();
    const ids = [...new Set([...this.guarded].map((g) => g.userId))];
    const roles = await this.organizations.rolesOf(em, ids);
    const viewers = new Map((await findRoles(em, ids)).map((u) => [u.id, u]));
    for (const g of [...this.guarded]) {
      const viewer = viewers.get(g.userId);
      const role = roles.get(`${g.organizationId}|${g.userId}`) ?? null;
      if (
        !viewer ||
        !canSeeCampaigns({ viewer, role, keyOrganizationId: null }, g.organizationId)
      ) {
        this.guarded.delete(g);
        g.end();
      }
    }
  }
}
