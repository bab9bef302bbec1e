import { Migration } from '@mikro-orm/migrations';

/**
 * Full-text search (written by hand: entities do not describe it, and db.ts tells the
 * schema diff to skip it). A generated, weighted tsvector over title (A), tags (B) and
 * body (C), with a GIN index.
 */
export class Migration20261127190000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "contents" add column "search_vector" tsvector generated always as (
      setweight(to_tsvector('english', "title"), 'A') ||
      setweight(jsonb_to_tsvector('english', "tags", '["string"]'), 'B') ||
      setweight(to_tsvector('english', "body"), 'C')) stored;`);
    this.addSql(
      `create index "contents_search_vector_index" on "contents" using gin ("search_vector");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "contents_search_vector_index";`);
    this.addSql(`alter table "contents" drop column if exists "search_vector";`);
  }
}
