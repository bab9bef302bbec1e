import type { Context } from '../../context.js';
import type { ContentService } from '../content/index.js';
import type { MemberPerks } from '../memberships/index.js';
import { organizationFromSnapshot } from '../partners/index.js';
import {
  nextCreative,
  ranked,
  type ActiveCampaigns,
  type CachedCampaign,
  type PlacementFacts,
} from './ads.cache.js';
import type { AdsStore } from './ads.store.js';
import type { ImpressionTokens } from './ads.token.js';
import type { Ad } from './ads.types.js';
import { adViewerKey, isIdentified, validatePlacement } from './ads.validation.js';

export interface ServingDeps {
  cache: ActiveCampaigns;
  store: AdsStore;
  tokens: ImpressionTokens;
  content: ContentService;
  perks: MemberPerks;
  now: () => number;
}

/**
 * `adsForPlacement`: answered from the process's cache of active campaigns. The only
 * statements are the viewer's read of the content beside the placement (content's own
 * `find`: one) and, for a signed-in viewer who is not its author, whether they are a paid
 * member of its author (one); without a content, none. Frequency caps cost one Redis round
 * trip (a pipeline) when a capped campaign is a candidate.
 */
export class AdServing {
  constructor(private readonly deps: ServingDeps) {}

  async adsFor(ctx: Context, placement: string, contentId: string | null, first: number) {
    validatePlacement(placement, first);
    const viewerKey = adViewerKey(ctx.viewer?.id, ctx.anonymousId);
    const now = this.deps.now();
    const facts: PlacementFacts = { now, content: null };
    let shownBeside: string | null = null;
    if (contentId) {
      // Unknown, unreadable (a draft, someone else's) and deleted content all get no ads,
      // the same answer: nothing tells them apart.
      const content = await this.deps.content.find(ctx, contentId);
      if (!content) return [];
      const authorId = content.author.id;
      if (
        ctx.viewer &&
        ctx.viewer.id !== authorId &&
        (await this.deps.perks.paidMemberOf(ctx.em, ctx.viewer.id, authorId, new Date(now)))
      )
        return [];
      facts.content = { tags: content.tags, kind: content.kind };
      shownBeside = content.id;
    }
    const chosen = await this.choose(ranked(this.deps.cache.all(), facts), viewerKey, first, now);
    return chosen.map((c): Ad => {
      const creative = nextCreative(c);
      const { token } = this.deps.tokens.issue({
        campaignId: c.id,
        creativeId: creative.id,
        viewer: viewerKey,
        placement,
        contentId: shownBeside,
        issuedAt: now,
      });
      return {
        impressionToken: token,
        creative,
        sponsor: organizationFromSnapshot(ctx.em, c.sponsor),
      };
    });
  }

  /**
   * The first `first` of `candidates` (best first) under their frequency cap for the viewer.
   * Caps are read for a batch of candidates at a time: one round trip in the usual case.
   * An anonymous viewer without an id is shown no capped campaign (nothing counts them).
   */
  private async choose(
    candidates: CachedCampaign[],
    viewerKey: string,
    first: number,
    now: number,
  ): Promise<CachedCampaign[]> {
    const chosen: CachedCampaign[] = [];
    for (let i = 0; i < candidates.length && chosen.length < first;) {
      const batch = candidates.slice(i, i + first * 2);
      i += batch.length;
      const capped = batch.filter((c) => c.cap);
      const over = new Set<string>();
      if (capped.length && !isIdentified(viewerKey)) for (const c of capped) over.add(c.id);
      else if (capped.length) {
        const counts = await this.deps.store.capCounts(
          viewerKey,
          capped.map((c) => ({ campaignId: c.id, windowMs: c.cap!.windowMs })),
          now,
        );
        capped.forEach((c, k) => {
          if ((counts[k] ?? 0) >= c.cap!.impressions) over.add(c.id);
        });
      }
      for (const c of batch) if (!over.has(c.id) && chosen.length < first) chosen.push(c);
    }
    return chosen;
  }
}
