// Reports views and watch time from a partner's own player. Ids are the client's own: an
// event sent twice (a retry) counts once. Run: MARQUEE_API_KEY=mq_… npx tsx track-events.ts <contentId>
import { randomUUID } from 'node:crypto';
import { MarqueeError } from '@marquee/sdk';
import { client } from './env.js';

const contentId = process.argv[2];
if (!contentId) throw new Error('usage: track-events.ts <contentId>');

const api = client();
try {
  const { trackEvents } = await api.TrackEvents({
    events: [
      { id: randomUUID(), type: 'VIEW', contentId },
      { id: randomUUID(), type: 'WATCH', contentId, watchSeconds: 95 },
    ],
  });
  console.log(`accepted ${trackEvents.accepted}`, api.lastRateLimit());
} catch (e) {
  if (e instanceof MarqueeError && e.code === 'RATE_LIMITED') {
    console.error(`slow down: retry in ${e.retryAfterSeconds ?? 60} s`);
  } else throw e;
} finally {
  await api.close();
}
