import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, MikroORM, type LoggerOptions, type Options } from '@mikro-orm/core';
import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import { PostgreSqlDriver, PostgreSqlPlatform } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { Config } from '../config.js';

export type Orm = MikroORM;
export type Em = SqlEntityManager;
export type DbKind = 'postgresql' | 'sqlite';

/** The compiled output folder (`dist/`), which holds the compiled migrations too. */
const outDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Schema that migrations own but entities do not describe: the full-text search columns
 * and indexes (PostgreSQL) and FTS5 tables (SQLite). The schema diff leaves them alone.
 */
const searchSchemaOnly = {
  skipTables: [/^content_fts/],
  skipColumns: { contents: ['search_vector', 'body_vector'] },
};
const SEARCH_ONLY = /search_vector|body_vector|content_fts/;

export interface DbOptions {
  /**
   * Called with every SQL statement the ORM runs and how long it took (ms, when the driver
   * reports it); used by tests and benchmarks to count and time them.
   */
  onQuery?: (sql: string, tookMs?: number) => void;
  entities: NonNullable<Options['entities']>;
}

/**
 * A hand-written statement's rows, plain (no entities), in `em`'s transaction if it has one.
 * For hot paths and statements the ORM cannot express; `?` placeholders on both databases.
 */
export function sqlRows<R = Record<string, unknown>>(
  em: Em,
  sql: string,
  params: readonly unknown[],
): Promise<R[]> {
  return em.getConnection().execute<R[]>(sql, [...params], 'all', em.getTransactionContext());
}

/** Whether `em` talks to PostgreSQL (for the few statements whose SQL differs). */
export function isPostgres(em: Em): boolean {
  return em.getPlatform() instanceof PostgreSqlPlatform;
}

export function dbKind(config: Pick<Config, 'databaseUrl'>): DbKind {
  return config.databaseUrl ? 'postgresql' : 'sqlite';
}

/** The embedded database's file (when DATABASE_URL is not set). */
export function sqlitePath(config: Pick<Config, 'dataDir'>): string {
  return join(config.dataDir, 'marquee.sqlite');
}

export function ormOptions(config: Config, opts: DbOptions): Options {
  const kind = dbKind(config);
  // Sources are only read when creating migrations, which runs from the project folder.
  const migrationsTs = join(process.cwd(), 'migrations', kind);
  const migrationsJs = join(outDir, 'migrations', kind);
  const common: Options = {
    entities: opts.entities,
    discovery: { requireEntitiesArray: true },
    extensions: [Migrator],
    forceUtcTimezone: true,
    // Relations and collections load through MikroORM's per-EntityManager DataLoader,
    // and the context forks one EntityManager per request.
    dataloader: true,
    schemaGenerator: searchSchemaOnly,
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: migrationsJs,
      pathTs: migrationsTs,
      glob: '!(*.d).js',
      emit: 'ts',
      // The snapshot is read and written only when creating migrations (scripts/create-migration).
      snapshot: false,
      snapshotName: '.snapshot',
      transactional: true,
      allOrNothing: true,
      silent: true,
    },
    debug: opts.onQuery ? ['query'] : false,
    loggerFactory: (o: LoggerOptions) =>
      opts.onQuery ? new QueryCountingLogger(o, opts.onQuery) : new DefaultLogger(o),
  };
  if (kind === 'postgresql') {
    return {
      ...common,
      driver: PostgreSqlDriver,
      clientUrl: config.databaseUrl,
      pool: { min: 0, max: config.databasePoolMax },
      // Bounds a request while the database is away (knex waits 60 s by default, and a
      // connect to an unanswering host has no limit at all): it fails as unavailable.
      driverOptions: {
        acquireConnectionTimeout: config.databaseAcquireTimeoutMs,
        connection: { connectionTimeoutMillis: config.databaseAcquireTimeoutMs },
      },
    };
  }
  mkdirSync(config.dataDir, { recursive: true });
  return {
    ...common,
    driver: BetterSqliteDriver,
    dbName: sqlitePath(config),
    pool: {
      afterCreate: (conn: unknown, done: (err: Error | null, conn: unknown) => void) => {
        const db = conn as { pragma(s: string): unknown };
        // WAL lets readers proceed during writes; busy_timeout makes concurrent writers wait.
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
        db.pragma('foreign_keys = ON');
        done(null, conn);
      },
    },
  };
}

class QueryCountingLogger extends DefaultLogger {
  constructor(
    options: LoggerOptions,
    private readonly onQuery: (sql: string, tookMs?: number) => void,
  ) {
    super({ ...options, writer: () => undefined });
  }
  override logQuery(context: Parameters<DefaultLogger['logQuery']>[0]): void {
    this.onQuery(context.query, context.took);
  }
}

export async function initOrm(config: Config, opts: DbOptions): Promise<Orm> {
  return MikroORM.init(ormOptions(config, opts));
}

export async function migrate(orm: Orm): Promise<string[]> {
  const done = await orm.getMigrator().up();
  return done.map((m) => m.name);
}

/**
 * SQL that would bring the database in line with the entities; empty when they agree.
 * Statements about the search-only schema are left out (MikroORM 6 does not apply
 * `skipColumns` to the database side of the diff).
 */
export async function schemaDrift(orm: Orm): Promise<string> {
  const sql = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
  return sql
    .split('\n')
    .filter((line) => line.trim() && !SEARCH_ONLY.test(line))
    .join('\n');
}

/** What a unit of work may do once it has committed: publish events. */
export interface Committed {
  /** Runs after the transaction commits (never when it rolls back), in the order given. */
  afterCommit(effect: () => unknown): void;
}

/** Who writes: the request's EntityManager, and how to forget what the request cached. */
export interface Writer {
  em: Em;
  /** Drops per-request cached reads (loaders), which a commit may have made stale. */
  invalidate?(): void;
}

/**
 * The one write path. `work` runs in one transaction on a clean fork of the writer's
 * EntityManager, so its flush writes what `work` changed and nothing else the request had
 * loaded; entities it returns belong to that fork and show what was committed. After the
 * commit, the writer's cached reads are dropped, then the `afterCommit` effects run (event
 * publications: each effect logs its own failure, which never undoes the commit). When
 * `work` throws, nothing is written and no effect runs.
 */
export async function commit<T>(
  writer: Writer,
  work: (tx: Em, committed: Committed) => Promise<T>,
): Promise<T> {
  const effects: (() => unknown)[] = [];
  const committed: Committed = { afterCommit: (effect) => void effects.push(effect) };
  const fork = writer.em.fork({ clear: true }) as Em;
  const result = await fork.transactional((tx) => work(tx as Em, committed));
  writer.invalidate?.();
  for (const effect of effects) await effect();
  return result;
}

/**
 * Records on a managed entity values that a native statement has already written (a
 * conditional UPDATE, a counter's `RETURNING`), so that the entity shows them without a
 * refresh query and its flush does not write them again.
 */
export function settle<T extends { id: string }>(em: Em, entity: T, values: Partial<T>): T {
  em.merge(entity.constructor.name, { ...values, id: entity.id }, { refresh: true });
  return entity;
}

/** `update <table> set <column> = <column> + <delta> where id = ? returning <column>`: the new value. */
export async function bump(
  em: Em,
  table: string,
  column: string,
  id: string,
  delta: number,
): Promise<number> {
  const rows = await em.execute<Record<string, number | string>[]>(
    `update ${table} set ${column} = ${column} + ? where id = ? returning ${column}`,
    [delta, id],
  );
  return Number(rows[0]![column]);
}
