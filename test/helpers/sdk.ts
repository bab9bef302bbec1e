import WebSocket from 'ws';
import { createMarqueeClient, type MarqueeClientOptions } from '../../sdk/src/index.js';

/**
 * The SDK as our tests use it: `ws` as the WebSocket (Node 20 has no global one), and no
 * reconnection unless a test asks for it, so a test of a close or a refusal sees it at once
 * instead of after the retries.
 */
export function sdkClient(options: MarqueeClientOptions) {
  return createMarqueeClient({ webSocketImpl: WebSocket, retryAttempts: 0, ...options });
}
