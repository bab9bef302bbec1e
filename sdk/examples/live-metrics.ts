// Follows one content's counters live (scope METRICS_READ): at most one update a second,
// only on change. Run: MARQUEE_API_KEY=mq_… npx tsx live-metrics.ts <contentId>
import { client } from './env.js';

const contentId = process.argv[2];
if (!contentId) throw new Error('usage: live-metrics.ts <contentId>');

const api = client();
let updates = 0;
for await (const { contentMetrics: m } of api.ContentMetrics({ contentId })) {
  console.log(`${m.at}: ${m.views} views, ${m.likes} likes, ${m.liveViewers} watching now`);
  if (++updates === 10) break; // breaking out unsubscribes
}
await api.close();
