import type { Context } from '../../context.js';
import { badInput, rateLimited } from '../../errors.js';
import { commit } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import type { PubSub } from '../../infra/pubsub.js';
import type { RateLimiter } from '../../infra/rate-limit.js';
import type { SeriesSubjects } from '../metrics/index.js';
import type { ActiveCampaigns, CachedCampaign } from './ads.cache.js';
import { charge, chargingFacts, endCampaign, insertImpression, recordClick } from './ads.charge.js';
import { AdEventType, CampaignStatus } from './ads.enums.js';
import { AdsReason } from './ads.errors.js';
import type { AdEventInput } from './ads.inputs.js';
import { MICROS, spendCapMicros } from './ads.money.js';
import type { AdsStore } from './ads.store.js';
import type { ImpressionTokens, TokenClaims } from './ads.token.js';
import { ADS_CAMPAIGN_CHANGED } from './ads.topics.js';
import { adViewerKey, isIdentified } from './ads.validation.js';

export const MAX_EVENTS_PER_CALL = 100;

export interface TrackingDeps {
  cache: ActiveCampaigns;
  store: AdsStore;
  tokens: ImpressionTokens;
  limiter: RateLimiter;
  ratePerViewer: number;
  subjects: SeriesSubjects;
  pubsub: PubSub;
  logger: Logger;
  now: () => number;
}

/** Thrown inside a charge's transaction to roll it back: the event is rejected. */
class Rejected extends Error {
  constructor(readonly budgetSpent = false) {
    super('rejected');
  }
}
/** The cached settings were older than the row's: reload and try once more. */
class Stale extends Error {}

/**
 * `trackAdEvents`: an IMPRESSION is charged when tracked, once per token (the impression
 * row's key), within the campaign's paced spend (one conditional UPDATE); a CLICK counts
 * once, after its impression. Anything else is rejected and counted nowhere.
 */
export class AdTracking {
  constructor(private readonly deps: TrackingDeps) {}

  async track(
    ctx: Context,
    events: AdEventInput[],
  ): Promise<{ accepted: number; rejected: number }> {
    if (events.length > MAX_EVENTS_PER_CALL)
      throw badInput(
        'events',
        `at most ${MAX_EVENTS_PER_CALL} events per call`,
        AdsReason.TOO_MANY_EVENTS,
      );
    const viewerKey = adViewerKey(ctx.viewer?.id, ctx.anonymousId);
    const subject = isIdentified(viewerKey) ? viewerKey : `address:${ctx.clientAddress}`;
    const d = await this.deps.limiter.hit(
      'ads:track',
      subject,
      this.deps.ratePerViewer,
      60,
      Math.max(1, events.length),
    );
    if (!d.allowed) throw rateLimited(d.retryAfter);
    let accepted = 0;
    for (const e of events) {
      const now = this.deps.now();
      const claims = this.deps.tokens.verify(e.impressionToken, now);
      if (!claims || claims.viewer !== viewerKey) continue;
      const ok =
        e.type === AdEventType.IMPRESSION
          ? await this.impression(ctx, claims, now)
          : await this.click(ctx, claims, now);
      if (ok) accepted++;
    }
    return { accepted, rejected: events.length - accepted };
  }

  private async impression(ctx: Context, claims: TokenClaims, now: number): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt++) {
      let c = this.deps.cache.get(claims.campaignId);
      if (!c || attempt > 0) {
        await this.deps.cache.load(ctx.em.fork(), [claims.campaignId]);
        c = this.deps.cache.get(claims.campaignId);
      }
      if (!c || now < c.startsAt || now >= c.endsAt) return false;
      if (await this.overCap(c, claims.viewer, now)) return false;
      try {
        await this.charged(ctx, c, claims, now);
        return true;
      } catch (e) {
        if (e instanceof Stale) continue;
        if (e instanceof Rejected) {
          if (e.budgetSpent) await this.end(ctx, c.id);
          return false;
        }
        throw e;
      }
    }
    return false;
  }

  /**
   * Serving checks the cap; so does tracking, for tokens a viewer gathered before reaching it
   * (two requests at the same moment may still both pass: the cap is a read, not a reservation).
   */
  private async overCap(c: CachedCampaign, viewerKey: string, now: number): Promise<boolean> {
    if (!c.cap) return false;
    const [count] = await this.deps.store.capCounts(
      viewerKey,
      [{ campaignId: c.id, windowMs: c.cap.windowMs }],
      now,
    );
    return (count ?? 0) >= c.cap.impressions;
  }

  private async charged(ctx: Context, c: CachedCampaign, claims: TokenClaims, now: number) {
    const budgetMicros = c.budgetMinor * MICROS;
    const { spent, ended } = await commit(ctx, async (tx) => {
      const fresh = await insertImpression(tx, {
        tokenId: claims.id,
        campaignId: c.id,
        creativeId: claims.creativeId,
        viewerKey: claims.viewer,
        at: now,
      });
      if (!fresh) throw new Rejected();
      const spent = await charge(tx, {
        id: c.id,
        version: c.version,
        costMicros: c.costMicros,
        capMicros: spendCapMicros(c, now),
      });
      if (spent === null) {
        const row = await chargingFacts(tx, c.id);
        if (row && row.status === CampaignStatus.ACTIVE && row.version !== c.version)
          throw new Stale();
        throw new Rejected(
          !!row &&
            row.status === CampaignStatus.ACTIVE &&
            row.spentMicros + c.costMicros > row.budgetMinor * MICROS,
        );
      }
      await this.deps.subjects.add(tx, c.id, 'AD_IMPRESSIONS', now, 1);
      // The budget cannot pay for another impression: ended now, in this transaction.
      const ended = spent + c.costMicros > budgetMicros && (await endCampaign(tx, c.id));
      return { spent, ended };
    });
    this.deps.cache.spent(c.id, spent);
    await this.deps.store
      .recordImpression({
        campaignId: c.id,
        viewerKey: claims.viewer,
        tokenId: claims.id,
        at: now,
        capWindowMs: c.cap?.windowMs ?? null,
      })
      .catch((err: unknown) =>
        this.deps.logger.warn({ err, campaignId: c.id }, 'recording an impression for caps failed'),
      );
    if (ended) await this.announceEnd(c.id);
  }

  private async click(ctx: Context, claims: TokenClaims, now: number): Promise<boolean> {
    const counted = await commit(ctx, async (tx) => {
      const campaignId = await recordClick(tx, claims.id, claims.viewer, now);
      if (campaignId) await this.deps.subjects.add(tx, campaignId, 'AD_CLICKS', now, 1);
      return campaignId !== null;
    });
    return counted;
  }

  /** Ends a campaign whose budget cannot pay another impression (conditional: once). */
  private async end(ctx: Context, id: string): Promise<void> {
    const ended = await commit(ctx, (tx) => endCampaign(tx, id));
    if (ended) await this.announceEnd(id);
    else this.deps.cache.drop(id);
  }

  private async announceEnd(campaignId: string): Promise<void> {
    this.deps.cache.drop(campaignId);
    await this.deps.pubsub
      .publish(ADS_CAMPAIGN_CHANGED, { campaignId })
      .catch((err: unknown) =>
        this.deps.logger.warn({ err, campaignId }, 'announcing an ended campaign failed'),
      );
  }
}
