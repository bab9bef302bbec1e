import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';

/**
 * Where a test file runs: always the embedded default (SQLite file + in-process pub/sub),
 * and PostgreSQL + Redis as well when TEST_DATABASE_URL and TEST_REDIS_URL are set. Each
 * test file owns its data: a fresh SQLite file, or a fresh PostgreSQL database, and its own
 * Redis key prefix.
 */
export interface Target {
  name: 'sqlite' | 'postgresql+redis';
  /** Fresh storage for one server (or several servers that share it). */
  provision(label: string): Promise<Storage>;
}

export interface Storage {
  env: Record<string, string>;
  drop(): Promise<void>;
}

const testDatabaseUrl = process.env.TEST_DATABASE_URL;
const testRedisUrl = process.env.TEST_REDIS_URL;
const ci = process.env.CI === 'true';

const sqlite: Target = {
  name: 'sqlite',
  async provision(label) {
    const dir = mkdtempSync(join(tmpdir(), `marquee-${label}-`));
    return {
      env: { DATA_DIR: dir },
      async drop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

const postgresRedis: Target = {
  name: 'postgresql+redis',
  async provision(label) {
    const name =
      `marquee_t_${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`.toLowerCase();
    const admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
    try {
      await admin.query(`create database "${name}"`);
    } finally {
      await admin.end();
    }
    const url = new URL(testDatabaseUrl!);
    url.pathname = `/${name}`;
    const prefix = `marquee-test:${name}:`;
    return {
      env: { DATABASE_URL: url.toString(), REDIS_URL: testRedisUrl!, REDIS_PREFIX: prefix },
      async drop() {
        const c = new pg.Client({ connectionString: testDatabaseUrl });
        await c.connect();
        try {
          await c.query(`drop database if exists "${name}" with (force)`);
        } finally {
          await c.end();
        }
        const redis = new Redis(testRedisUrl!, { lazyConnect: true, maxRetriesPerRequest: 1 });
        try {
          await redis.connect();
          const keys = await redis.keys(`${prefix}*`);
          if (keys.length) await redis.del(...keys);
        } finally {
          redis.disconnect();
        }
      },
    };
  },
};

export function targets(): Target[] {
  if (testDatabaseUrl && testRedisUrl) return [sqlite, postgresRedis];
  if (ci) {
    throw new Error('CI=true but TEST_DATABASE_URL and TEST_REDIS_URL are not both set');
  }
  if (!targets.warned) {
    targets.warned = true;
    console.log('# TEST_DATABASE_URL/TEST_REDIS_URL not set: running on the embedded default only');
  }
  return [sqlite];
}
targets.warned = false;
