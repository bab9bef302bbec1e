import { Redis } from 'ioredis';

/**
 * A Redis connection that reconnects forever. `subscriber` connections queue commands
 * without limit while Redis is down and restore their subscriptions on reconnect;
 * command connections fail a command after a short wait instead of hanging a request.
 */
export function connectRedis(url: string, role: 'subscriber' | 'command'): Redis {
  return new Redis(url, {
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(times * 100, 2000),
    ...(role === 'subscriber'
      ? { maxRetriesPerRequest: null }
      : { maxRetriesPerRequest: 2, commandTimeout: 2000 }),
  });
}
