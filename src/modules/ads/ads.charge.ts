import { sqlRows, type Em } from '../../infra/db.js';
import { CampaignStatus } from './ads.enums.js';

// Hand-written statements, unchanged on SQLite (3.35+) and PostgreSQL: the conditional
// UPDATE is the budget's guarantee across processes, the impression's primary key the
// token's (once per token).

type Row = Record<string, unknown>;

const run = (em: Em, sql: string, params: unknown[]) => sqlRows<Row>(em, sql, params);

/** Stores the impression of a token seen for the first time; false when it was seen before. */
export async function insertImpression(
  em: Em,
  i: { tokenId: string; campaignId: string; creativeId: string; viewerKey: string; at: number },
): Promise<boolean> {
  const rows = await run(
    em,
    `insert into ad_impressions (token_id, campaign_id, creative_id, viewer_key, at)
     values (?, ?, ?, ?, ?) on conflict do nothing returning token_id`,
    [i.tokenId, i.campaignId, i.creativeId, i.viewerKey, i.at],
  );
  return rows.length === 1;
}

/**
 * Charges one impression of `costMicros` if the campaign is ACTIVE, still at `version` (the
 * settings `capMicros` was computed from) and the charge keeps its spend within `capMicros`.
 * One statement, so concurrent charges from any number of processes never pass the cap.
 * Returns the new spend, or null when nothing was charged.
 */
export async function charge(
  em: Em,
  c: { id: string; version: number; costMicros: number; capMicros: number },
): Promise<number | null> {
  const rows = await run(
    em,
    `update ad_campaigns set spent_micros = spent_micros + ?, impressions = impressions + 1
     where id = ? and status = ? and version = ? and spent_micros + ? <= ?
     returning spent_micros`,
    [c.costMicros, c.id, CampaignStatus.ACTIVE, c.version, c.costMicros, c.capMicros],
  );
  return rows.length ? Number(rows[0]!.spent_micros) : null;
}

/** ACTIVE to ENDED (the budget cannot pay another impression); true if this call ended it. */
export async function endCampaign(em: Em, id: string): Promise<boolean> {
  const rows = await run(
    em,
    `update ad_campaigns set status = ? where id = ? and status = ? returning id`,
    [CampaignStatus.ENDED, id, CampaignStatus.ACTIVE],
  );
  return rows.length === 1;
}

/**
 * Marks the impression of `tokenId` clicked, once, for the viewer it was shown to; then
 * counts the click on its campaign. Returns the campaign id, or null when nothing counted.
 */
export async function recordClick(
  em: Em,
  tokenId: string,
  viewerKey: string,
  at: number,
): Promise<string | null> {
  const rows = await run(
    em,
    `update ad_impressions set clicked_at = ?
     where token_id = ? and viewer_key = ? and clicked_at is null returning campaign_id`,
    [at, tokenId, viewerKey],
  );
  if (!rows.length) return null;
  const campaignId = String(rows[0]!.campaign_id);
  await run(em, `update ad_campaigns set clicks = clicks + 1 where id = ?`, [campaignId]);
  return campaignId;
}

/** The charging facts of one campaign as stored now (a campaign this process does not cache). */
export async function chargingFacts(em: Em, id: string) {
  const rows = await run(
    em,
    `select status, version, spent_micros, budget_minor from ad_campaigns where id = ?`,
    [id],
  );
  const r = rows[0];
  return r
    ? {
        status: String(r.status) as CampaignStatus,
        version: Number(r.version),
        spentMicros: Number(r.spent_micros),
        budgetMinor: Number(r.budget_minor),
      }
    : null;
}

/** Forgets impressions older than `before` (epoch ms): their tokens have long expired. */
export async function pruneImpressions(em: Em, before: number): Promise<void> {
  await run(em, 'delete from ad_impressions where at < ?', [before]);
}
