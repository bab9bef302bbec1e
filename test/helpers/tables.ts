import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { openSqlite } from '../../src/infra/backup/sqlite.js';
import type { Storage } from './targets.js';

/**
 * Every table of a storage's database, listed from the database itself, with its rows as
 * sorted JSON strings (so two databases compare row by row, whatever their physical
 * order). The schema is listed too, under names in brackets: `[schema]` (SQLite's
 * sqlite_master: tables, indexes, triggers, with their SQL), or `[columns]`, `[indexes]`
 * and `[sequences]` (PostgreSQL, with each sequence's position).
 */
export async function readTables(storage: Storage): Promise<Map<string, string[]>> {
  const rowsOf = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();
  const out = new Map<string, string[]>();
  if (!storage.env.DATABASE_URL) {
    const path = join(storage.env.DATA_DIR!, 'marquee.sqlite');
    if (!existsSync(path)) return out;
    const db = openSqlite(path, { readonly: true });
    try {
      const master = db.prepare('select type, name, tbl_name, sql from sqlite_master').all();
      out.set('[schema]', rowsOf(master));
      for (const { name } of master.filter((m) => m.type === 'table')) {
        out.set(String(name), rowsOf(db.prepare(`select * from "${String(name)}"`).all()));
      }
    } finally {
      db.close();
    }
    return out;
  }
  const client = new pg.Client({ connectionString: storage.env.DATABASE_URL });
  await client.connect();
  try {
    const all = async (sql: string) => (await client.query<Record<string, unknown>>(sql)).rows;
    const schema = {
      '[columns]': `select table_name, column_name, data_type, column_default, is_nullable,
        generation_expression from information_schema.columns where table_schema = 'public'`,
      '[indexes]': `select tablename, indexname, indexdef from pg_indexes where schemaname = 'public'`,
      '[sequences]': `select sequencename, last_value from pg_sequences where schemaname = 'public'`,
    };
    for (const [name, sql] of Object.entries(schema)) out.set(name, rowsOf(await all(sql)));
    const tables = await all(
      `select table_name from information_schema.tables
       where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    for (const { table_name: name } of tables) {
      out.set(String(name), rowsOf(await all(`select * from "${String(name)}"`)));
    }
    return out;
  } finally {
    await client.end();
  }
}

/** How many tables the storage's database has (0 for a fresh one). */
export async function tableCount(storage: Storage): Promise<number> {
  return [...(await readTables(storage)).keys()].filter((k) => !k.startsWith('[')).length;
}
