import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';

/**
 * Where a benchmark's server keeps its data, made for one run and dropped after it (as the
 * tests do, see test/helpers/targets.ts): a SQLite folder, or a PostgreSQL database with a
 * Redis key prefix.
 */
export interface Backend {
  name: string;
  /** Server environment that points at this storage. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-bench-'));
  return {
    name: 'SQLite + in-process',
    env: { DATA_DIR: dir },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh database on the server of `adminUrl`, and a fresh key prefix on `redisUrl`. */
export async function postgresRedisBackend(adminUrl: string, redisUrl: string): Promise<Backend> {
  const name = `marquee_bench_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (c) => c.query(`create database "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const prefix = `marquee-bench:${name}:`;
  return {
    name: 'PostgreSQL + Redis',
    env: { DATABASE_URL: url.toString(), REDIS_URL: redisUrl, REDIS_PREFIX: prefix },
    async drop() {
      await withAdmin(adminUrl, (c) => c.query(`drop database if exists "${name}" with (force)`));
      const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
    },
  };
}

async function withAdmin(url: string, work: (c: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
