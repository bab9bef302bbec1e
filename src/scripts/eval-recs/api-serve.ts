import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config.js';
import { recommendations } from '../../modules/recommendations/index.js';
import { startServer, type MarqueeServer } from '../../server.js';
import { gql, inParallel } from './api-client.js';

const RECOMMENDED = `query { recommendedContents(first: 10) { content { id } } }`;

/**
 * A real server in this process on a fresh embedded SQLite database (removed by `close`):
 * the limits a single client address would hit are raised (every account here signs up
 * and tracks from 127.0.0.1), and the model is rebuilt early, at most every 15 s, once
 * engagement has grown by 1% (at least 50 events), or every minute on schedule.
 */
export async function evaluationServer(): Promise<{
  server: MarqueeServer;
  close(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-eval-'));
  const config = loadConfig({
    DATA_DIR: dir,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'error',
    NODE_ENV: 'test',
    SIGNUP_RATE_LIMIT: '1000000',
    TRACK_RATE_PER_CLIENT: '1000000000',
    TRACK_RATE_PER_ADDRESS: '1000000000',
    TRACK_PER_CONTENT_PER_ADDRESS: '1000000000',
    RECS_POLL_INTERVAL_MS: '1000',
    RECS_REBUILD_INTERVAL_MS: '60000',
    RECS_REBUILD_GROWTH: '0.01',
    RECS_REBUILD_MIN_INTERVAL_MS: '15000',
  });
  const server = await startServer(config);
  return {
    server,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Resolves once the served model was built from `interactions` (viewer, content) pairs, i.e.
 * from all the loaded engagement: the rebuild the server does on its own, observed.
 */
export async function modelCovering(
  server: MarqueeServer,
  interactions: number,
  timeoutMs = 15 * 60_000,
): Promise<void> {
  const { models } = server.use(recommendations);
  const deadline = Date.now() + timeoutMs;
  while ((models.current?.interactions ?? 0) < interactions) {
    if (Date.now() > deadline)
      throw new Error(`no model over ${interactions} interactions after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** recommendedContents(first: 10) over HTTP as each user, mapped back to item indices. */
export async function servedLists(
  url: string,
  users: number[],
  tokens: Map<number, string>,
  itemOf: Map<string, number>,
): Promise<Map<number, number[]>> {
  const lists = await inParallel(users, 2, async (user) => {
    const data = await gql<{ recommendedContents: { content: { id: string } }[] }>(
      url,
      RECOMMENDED,
      {},
      tokens.get(user),
    );
    return data.recommendedContents.map((r) => {
      const item = itemOf.get(r.content.id);
      if (item === undefined) throw new Error(`served ${r.content.id}, not a loaded item`);
      return item;
    });
  });
  return new Map(users.map((u, i) => [u, lists[i]!]));
}
