// Publishes a sponsored article as the key's organisation (scope CONTENT_WRITE).
// Run: MARQUEE_API_KEY=mq_… npx tsx publish-sponsored.ts
import { MarqueeError } from '@marquee/sdk';
import { client } from './env.js';

const api = client();
try {
  const { createContent } = await api.CreateContent({
    input: {
      kind: 'ARTICLE',
      title: 'Ten trails for the long weekend',
      body: 'Sponsored by Northwind Outdoor. …',
      tags: ['sponsored', 'outdoors'],
    },
  });
  const { publishContent } = await api.PublishContent({ id: createContent.id });
  console.log(`published ${publishContent.id} as ${publishContent.author.handle}`);
} catch (e) {
  // FORBIDDEN with the missing scope, RATE_LIMITED with retryAfterSeconds, …
  if (e instanceof MarqueeError) console.error(e.code, e.reason, e.message);
  throw e;
} finally {
  await api.close();
}
