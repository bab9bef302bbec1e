export * from './generated.js';
export {
  createMarqueeClient,
  type MarqueeClient,
  type MarqueeClientOptions,
  type MarqueeSdk,
  type TypedDocument,
} from './client.js';
export { MarqueeError, closeError, isRetryableClose, type RateLimitInfo } from './errors.js';
export type { RetryOptions } from './live.js';
