import { createMarqueeClient } from '@marquee/sdk';

/**
 * The client every example uses: the API at MARQUEE_URL (default: a local server), acting
 * for the organisation of the API key in MARQUEE_API_KEY. On Node 20, subscriptions need a
 * WebSocket: `npm install ws` and pass `webSocketImpl: WebSocket` (Node 22+ has one).
 */
export function client() {
  const apiKey = process.env.MARQUEE_API_KEY;
  if (!apiKey) throw new Error('Set MARQUEE_API_KEY to an organisation key (mq_…)');
  return createMarqueeClient({
    url: process.env.MARQUEE_URL ?? 'http://localhost:4000/graphql',
    apiKey,
  });
}
