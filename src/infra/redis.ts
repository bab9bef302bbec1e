import { Redis } from 'ioredis';
import type { Logger } from './logger.js';

/**
 * A Redis connection that reconnects forever. `subscriber` connections queue commands
 * without limit while Redis is down and restore their subscriptions on reconnect;
 * command connections fail a command after a short wait instead of hanging a request.
 * With a `logger`, an outage is logged once when it starts and once when it ends (without
 * an error listener ioredis prints every failed reconnection to stderr itself).
 */
export function connectRedis(url: string, role: 'subscriber' | 'command', logger?: Logger): Redis {
  const redis = new Redis(url, {
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(times * 100, 2000),
    ...(role === 'subscriber'
      ? {
          maxRetriesPerRequest: null,
          // ioredis 5.8+ may send its CLIENT SETINFO handshake after a SUBSCRIBE queued
          // before the connection was up, and Redis then refuses it in subscriber mode (an
          // unhandled rejection: redis/ioredis#2037). The library name is not worth that.
          disableClientInfo: true,
        }
      : { maxRetriesPerRequest: 2, commandTimeout: 2000 }),
  });
  if (logger) {
    let down = false;
    redis.on('error', (err: unknown) => {
      if (!down) logger.warn({ err, role }, 'Redis is unreachable; reconnecting');
      down = true;
    });
    redis.on('ready', () => {
      if (down) logger.info({ role }, 'Redis is reachable again');
      down = false;
    });
  }
  return redis;
}
