import { randomUUID } from 'node:crypto';
import type { AdEventType, CreateCampaignInput, CreativeInput } from '../../sdk/src/index.js';
import { sdkClient } from './sdk.js';
import type { Client, TestServer } from './server.js';

export const HOUR = 3_600_000;

/**
 * Statements of background tasks that may run while a request is counted: the publication
 * scheduler's transaction (the ads cache's refresh never reaches `TestServer.queries`).
 */
export const BACKGROUND = /^\s*(begin|commit)\b|published_at[`"]? <= \?/i;

/** A clock tests move by hand (epoch ms), passed to bootServer as `now`. */
export function manualClock(start = Date.now()) {
  const clock = {
    t: start,
    now: () => clock.t,
    advance(ms: number) {
      clock.t += ms;
    },
  };
  return clock;
}

/** A campaign input: 10 USD budget at 1 USD CPM (0.1 cent an impression), ASAP, a day long. */
export function campaignInput(
  now: number,
  extra: Partial<CreateCampaignInput> = {},
): CreateCampaignInput {
  return {
    name: 'Spring sale',
    budget: { amountMinor: 1000, currency: 'USD' },
    cpm: { amountMinor: 100, currency: 'USD' },
    startsAt: new Date(now - HOUR).toISOString(),
    endsAt: new Date(now + 23 * HOUR).toISOString(),
    pacing: 'ASAP',
    ...extra,
  };
}

export const creative = (extra: Partial<CreativeInput> = {}): CreativeInput => ({
  headline: 'Buy one, get one',
  clickUrl: 'https://brand.example/sale',
  ...extra,
});

/** A campaign with one creative (or `creatives`), ACTIVE. */
export async function activeCampaign(
  c: Client,
  organizationId: string,
  input: CreateCampaignInput,
  creatives: CreativeInput[] = [creative()],
) {
  const { createCampaign } = await c.CreateCampaign({ organizationId, input });
  for (const k of creatives) await c.AddCreative({ campaignId: createCampaign.id, input: k });
  return (await c.SetCampaignStatus({ id: createCampaign.id, status: 'ACTIVE' })).setCampaignStatus;
}

/** An anonymous client of `t`, with an `x-anonymous-id` (null: without one). */
export function anonymousOf(t: TestServer, id: string | null = `anon-${randomUUID()}`): Client {
  return sdkClient({ url: t.server.url, headers: id === null ? {} : { 'x-anonymous-id': id } });
}

export async function serve(
  c: Client,
  vars: { placement?: string; contentId?: string | null; first?: number } = {},
) {
  return (await c.AdsForPlacement({ placement: 'feed', ...vars })).adsForPlacement;
}

export async function track(c: Client, tokens: string[], type: AdEventType = 'IMPRESSION') {
  return (
    await c.TrackAdEvents({ events: tokens.map((impressionToken) => ({ impressionToken, type })) })
  ).trackAdEvents;
}
