import type { Task } from '../../feature.js';
import type { Em } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import type { PubSub } from '../../infra/pubsub.js';
import { scheduledTask } from '../../infra/scheduler.js';
import type { ActiveCampaigns } from './ads.cache.js';
import { CampaignStatus } from './ads.enums.js';
import type { CampaignStatsLive } from './ads.live.js';
import { pruneImpressions } from './ads.charge.js';
import { TOKEN_TTL_MS } from './ads.token.js';
import { ADS_CAMPAIGN_CHANGED } from './ads.topics.js';
import { Campaign } from './campaign.entity.js';

const IMPRESSION_RETENTION_MS = 2 * TOKEN_TTL_MS;
const PRUNE_INTERVAL_MS = 10 * 60_000;

export interface AdsTaskDeps {
  cache: ActiveCampaigns;
  live: CampaignStatsLive;
  pubsub: PubSub;
  fork: () => Em;
  logger: Logger;
  now: () => number;
  refreshMs: number;
}

/**
 * The ads feature's background work: the serving cache (subscribed to changes before its
 * first load, so none is missed; refreshed every `refreshMs`; campaigns past their flight
 * ended there), then the live stats.
 */
export function adsTasks(d: AdsTaskDeps): Task[] {
  let changes: AsyncIterableIterator<{ campaignId: string }> | undefined;
  let following: Promise<void> | undefined;
  let stopped = false;
  const refresh = scheduledTask(
    'ads cache refresh',
    async () => {
      const em = d.fork();
      await endFlights(em, d);
      await d.cache.refresh(em);
    },
    d.refreshMs,
    d.logger,
  );
  return [
    {
      name: 'ads cache',
      async start() {
        stopped = false;
        // Not awaited before serving: while Redis is unreachable the SUBSCRIBE waits for it,
        // and the server must start and serve meanwhile; the refresh catches whatever is
        // announced before the subscription holds.
        const listening = d.pubsub.listen(ADS_CAMPAIGN_CHANGED);
        await d.cache.load(d.fork());
        following = listening
          .then(async (it) => {
            changes = it;
            if (stopped) return void (await it.return?.());
            for await (const { campaignId } of it) {
              await d.cache
                .load(d.fork(), [campaignId])
                .catch((err: unknown) =>
                  d.logger.warn(
                    { err, campaignId },
                    'reloading a campaign failed; the refresh will',
                  ),
                );
            }
          })
          .catch((err: unknown) => d.logger.warn({ err }, 'campaign changes stopped'));
        refresh.start();
      },
      async stop() {
        stopped = true;
        await refresh.stop();
        // A subscription still waiting for Redis is dropped with the connection.
        if (changes) {
          await changes.return?.();
          await following;
        }
      },
    },
    { name: 'ads stats live', start: () => d.live.start(d.fork), stop: () => d.live.stop() },
    // An impression row only has to outlive its token (valid 1 h): a replayed or clicked
    // token older than that is refused as expired before its row is looked at.
    scheduledTask(
      'ads impression pruning',
      () => pruneImpressions(d.fork(), d.now() - IMPRESSION_RETENTION_MS),
      PRUNE_INTERVAL_MS,
      d.logger,
    ),
  ];
}

/** Cached campaigns whose flight is over become ENDED (conditional: whichever process is first). */
async function endFlights(em: Em, d: AdsTaskDeps): Promise<void> {
  const now = d.now();
  const over = [...d.cache.all()].filter((c) => c.endsAt <= now).map((c) => c.id);
  if (!over.length) return;
  await em.nativeUpdate(
    Campaign,
    { id: { $in: over }, status: CampaignStatus.ACTIVE },
    { status: CampaignStatus.ENDED },
  );
  for (const id of over) d.cache.drop(id);
}
