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
   * Per event, null when this VIEW or SHARE of its content may count; otherwise why not
   * (the event is then rejected: stored nowhere, counted nowhere). Other types are not
   * limited here. Events are `[clientAddress, type, contentId]`, from any number of calls:
   * one round trip counts them all, and of one address's events of one content the first
   * ones in order take what is left of the limit, as one call per event would.
   */
  async perContent(
    events: readonly { clientAddress: string; type: EventType; contentId: string }[],
  ): Promise<(AppError | null)[]> {
    const { perContentPerAddress: limit, perContentWindowSeconds: window } = this.rates;
    const out: (AppError | null)[] = events.map(() => null);
    // scope|subject -> the indexes of its events, in order
    const groups = new Map<
      string,
      { scope: string; subject: string; type: EventType; at: number[] }
    >();
    for (const [i, e] of events.entries()) {
      if (e.type !== EventType.VIEW && e.type !== EventType.SHARE) continue;
      const scope = `track:${e.type.toLowerCase()}`;
      const subject = `${e.clientAddress}|${e.contentId}`;
      const key = `${scope}|${subject}`;
      const group = groups.get(key);
      if (group) group.at.push(i);
      else groups.set(key, { scope, subject, type: e.type, at: [i] });
    }
    if (!groups.size) return out;
    const list = [...groups.values()];
    const counts = await this.limiter.hitMany(
      list.map((g) => ({ scope: g.scope, subject: g.subject, points: g.at.length })),
      window,
    );
    for (const [n, g] of list.entries()) {
      const { consumed, retryAfter } = counts[n]!;
      const fit = Math.max(0, limit - (consumed - g.at.length));
      for (const i of g.at.slice(fit)) out[i] = this.perContentError(g.type, retryAfter);
    }
    return out;
  }

  private perContentError(type: EventType, retryAfter: number): AppError {
    return new AppError(
      ErrorCode.RateLimited,
      `Too many ${type} events of this content from this address; retry in ${retryAfter} s`,
      { retryAfter },
      MetricsReason.PER_CONTENT_LIMIT,
    );
  }
}
