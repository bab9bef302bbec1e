import { loadConfig } from '../../src/config.js';
import { CACHE_COMMENT as ADS_CACHE_COMMENT } from '../../src/modules/ads/ads.cache.js';
import { startServer } from '../../src/server.js';

/**
 * Marquee's SQL statements per feed request: the same build in this process, on the same
 * database, its `onQuery` counting what `requests` sequential requests run (the ads cache's
 * marked once-a-second refresh is background work, not the request's). Returns the mean
 * and each statement's shape (literals stripped) with its count per request.
 */
export async function marqueeStatements(
  env: Record<string, string>,
  send: (url: string) => Promise<void>,
  requests = 20,
): Promise<{ perRequest: number; shapes: Map<string, number> }> {
  let counting = false;
  const seen: string[] = [];
  const config = loadConfig({ ...env, PORT: '0', LOG_LEVEL: 'silent' });
  const server = await startServer(config, {
    onQuery: (q) => {
      if (counting && !q.includes(ADS_CACHE_COMMENT)) seen.push(q);
    },
  });
  try {
    await send(server.url);
    counting = true;
    for (let i = 0; i < requests; i++) await send(server.url);
    counting = false;
  } finally {
    await server.close();
  }
  const shapes = new Map<string, number>();
  for (const q of seen) {
    const shape = q
      .replace(/'[^']*'/g, '?')
      .replace(/\b\d+\b/g, '?')
      .replace(/(\?, )+\?/g, '…')
      .slice(0, 160);
    shapes.set(shape, (shapes.get(shape) ?? 0) + 1 / requests);
  }
  return { perRequest: seen.length / requests, shapes };
}
