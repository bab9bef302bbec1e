import { AppError, ErrorCode, rateLimited } from '../../errors.js';
import type { RateLimiter } from '../../infra/rate-limit.js';
import { MetricsReason } from './metrics.errors.js';
import { EventType } from './metrics.types.js';

/** The limits of `Config.trackRates`. */
export interface TrackRates {
  perClient: number;
  perAddress: number;
  windowSeconds: number;
  perContentPerAddress: number;
  perContentWindowSeconds: number;
}

/**
 * What one client may track. Anonymous ids are free to make, so the client address bounds
 * both the volume and, per content, the VIEW and SHARE events that count: fresh ids from
 * one address cannot push a content up the trending list.
 */
export class TrackLimits {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly rates: TrackRates,
  ) {}

  /** Counts a call's events against its client and its address; RATE_LIMITED past either. */
  async admit(clientAddress: string, viewerKey: string, events: number): Promise<void> {
    if (!events) return;
    const { perClient, perAddress, windowSeconds: window } = this.rates;
    const decisions = await Promise.all([
      this.limiter.hit('track:client', viewerKey, perClient, window, events),
      this.limiter.hit('track:addr', clientAddress, perAddress, window, events),
    ]);
    for (const d of decisions) if (!d.allowed) throw rateLimited(d.retryAfter);
  }

  /**
   * Null when this VIEW or SHARE of `contentId` may count; otherwise why not (the event is
   * then rejected: stored nowhere, counted nowhere). Other types are not limited here.
   */
  async perContent(
    clientAddress: string,
    type: EventType,
    contentId: string,
  ): Promise<AppError | null> {
    if (type !== EventType.VIEW && type !== EventType.SHARE) return null;
    const { perContentPerAddress: limit, perContentWindowSeconds: window } = this.rates;
    const d = await this.limiter.hit(
      `track:${type.toLowerCase()}`,
      `${clientAddress}|${contentId}`,
      limit,
      window,
    );
    if (d.allowed) return null;
    return new AppError(
      ErrorCode.RateLimited,
      `Too many ${type} events of this content from this address; retry in ${d.retryAfter} s`,
      { retryAfter: d.retryAfter },
      MetricsReason.PER_CONTENT_LIMIT,
    );
  }
}
