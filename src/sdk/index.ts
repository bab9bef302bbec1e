export * from './generated.js';
export {
  createMarqueeClient,
  MarqueeError,
  type MarqueeClientOptions,
  type MarqueeSdk,
} from './client.js';
