import type { Em } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import type { ContentKind } from '../content/index.js';
import { organizationSnapshot, type OrganizationSnapshot } from '../partners/index.js';
import { CampaignStatus, Pacing } from './ads.enums.js';
import { impressionCostMicros, spendCapMicros } from './ads.money.js';
import { Campaign } from './campaign.entity.js';
import { Creative } from './creative.entity.js';

/** An ACTIVE campaign as one process serves it: plain data, read at load, spend refreshed. */
/** Marks the cache's statements (background work, never a request's): tests that count a request's statements leave them out. */
export const CACHE_COMMENT = 'ads cache';

export interface CachedCampaign {
  id: string;
  version: number;
  sponsor: OrganizationSnapshot;
  cpmMinor: number;
  costMicros: number;
  budgetMinor: number;
  currency: string;
  spentMicros: number;
  startsAt: number;
  endsAt: number;
  pacing: Pacing;
  tags: ReadonlySet<string>;
  kinds: ReadonlySet<ContentKind>;
  cap: { impressions: number; windowMs: number } | null;
  creatives: Creative[];
  /** The creative served next (round robin, per process). */
  turn: number;
}

/** What a placement is beside: a content's tags and kind, or nothing. */
export interface PlacementFacts {
  now: number;
  content: { tags: readonly string[]; kind: ContentKind } | null;
}

export function toCached(c: Campaign, creatives: Creative[]): CachedCampaign {
  return {
    id: c.id,
    version: c.version,
    sponsor: organizationSnapshot(c.organization.getEntity()),
    cpmMinor: c.cpmMinor,
    costMicros: impressionCostMicros(c.cpmMinor),
    budgetMinor: c.budgetMinor,
    currency: c.currency,
    spentMicros: c.spentMicros,
    startsAt: c.startsAt.getTime(),
    endsAt: c.endsAt.getTime(),
    pacing: c.pacing,
    tags: new Set(c.tags),
    kinds: new Set(c.kinds),
    cap:
      c.capImpressions && c.capHours
        ? { impressions: c.capImpressions, windowMs: c.capHours * 3_600_000 }
        : null,
    creatives,
    turn: 0,
  };
}

/**
 * Whether a campaign may be shown now beside `facts`: inside its flight, with a creative,
 * matching the targeting (no content: untargeted campaigns only), and with the next
 * impression inside its paced spend. Pure: the hot path of serving.
 */
export function eligible(c: CachedCampaign, facts: PlacementFacts): boolean {
  if (facts.now < c.startsAt || facts.now >= c.endsAt || !c.creatives.length) return false;
  if (c.spentMicros + c.costMicros > spendCapMicros(c, facts.now)) return false;
  const content = facts.content;
  if (!content) return c.tags.size === 0 && c.kinds.size === 0;
  if (c.kinds.size && !c.kinds.has(content.kind)) return false;
  return !c.tags.size || content.tags.some((t) => c.tags.has(t));
}

/**
 * The eligible campaigns, best CPM first; campaigns of equal CPM in a random order, so that
 * ties share the placements evenly over many requests.
 */
export function ranked(campaigns: Iterable<CachedCampaign>, facts: PlacementFacts) {
  const out: { c: CachedCampaign; tie: number }[] = [];
  for (const c of campaigns) if (eligible(c, facts)) out.push({ c, tie: Math.random() });
  out.sort((a, b) => b.c.cpmMinor - a.c.cpmMinor || a.tie - b.tie);
  return out.map((o) => o.c);
}

/** The creative to show this time: each of the campaign's creatives in turn. */
export function nextCreative(c: CachedCampaign): Creative {
  const creative = c.creatives[c.turn % c.creatives.length]!;
  c.turn = (c.turn + 1) % c.creatives.length;
  return creative;
}

/**
 * The ACTIVE campaigns this process serves, with their creatives: loaded at start, reloaded
 * one by one when a change is announced (pub/sub) and, every `refreshMs`, checked by one
 * query for the spend, status and version of every active campaign (what another process
 * charged, ended or changed without the announcement arriving). Requests never query.
 */
export class ActiveCampaigns {
  private readonly byId = new Map<string, CachedCampaign>();

  constructor(private readonly logger: Logger) {}

  all(): Iterable<CachedCampaign> {
    return this.byId.values();
  }

  get(id: string): CachedCampaign | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  drop(id: string): void {
    this.byId.delete(id);
  }

  /** After a charge on this process: the spend it returned, at once. */
  spent(id: string, spentMicros: number): void {
    const c = this.byId.get(id);
    if (c && spentMicros > c.spentMicros) c.spentMicros = spentMicros;
  }

  /** (Re)loads the given campaigns (all active ones without ids): two queries. */
  async load(em: Em, ids?: readonly string[]): Promise<void> {
    const rows = await em.find(
      Campaign,
      ids ? { id: { $in: [...ids] } } : { status: CampaignStatus.ACTIVE },
      { populate: ['organization'], disableIdentityMap: true, comments: [CACHE_COMMENT] },
    );
    const active = rows.filter((c) => c.status === CampaignStatus.ACTIVE);
    const creatives = active.length
      ? await em.find(
          Creative,
          { campaign: { $in: active.map((c) => c.id) } },
          {
            orderBy: { createdAt: 'asc', id: 'asc' },
            disableIdentityMap: true,
            comments: [CACHE_COMMENT],
          },
        )
      : [];
    if (!ids) this.byId.clear();
    for (const id of ids ?? []) this.byId.delete(id);
    for (const c of active) {
      const own = creatives.filter((k) => k.campaign.id === c.id);
      const previous = this.byId.get(c.id);
      const cached = toCached(c, own);
      if (previous) cached.turn = previous.turn % Math.max(1, own.length);
      this.byId.set(c.id, cached);
    }
  }

  /**
   * One query for every active campaign's spend, status and version; reloads those that
   * are new or changed, drops those no longer active. Returns the ids it dropped.
   */
  async refresh(em: Em): Promise<void> {
    const rows = await em
      .getConnection()
      .execute<{ id: string; spent_micros: number | string; version: number }[]>(
        `/* ${CACHE_COMMENT} */ select id, spent_micros, version from ad_campaigns where status = ?`,
        [CampaignStatus.ACTIVE],
      );
    const seen = new Set<string>();
    const stale: string[] = [];
    for (const r of rows) {
      seen.add(r.id);
      const c = this.byId.get(r.id);
      if (!c || c.version !== Number(r.version)) stale.push(r.id);
      else this.spent(r.id, Number(r.spent_micros));
    }
    for (const id of [...this.byId.keys()]) if (!seen.has(id)) this.byId.delete(id);
    if (stale.length) {
      this.logger.debug({ campaigns: stale.length }, 'reloading changed ad campaigns');
      await this.load(em, stale);
    }
  }
}
