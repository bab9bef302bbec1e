import { Migration } from '@mikro-orm/migrations';

const TITLE_TAGS = `setweight(to_tsvector('english', "title"), 'A') ||
      setweight(jsonb_to_tsvector('english', "tags", '["string"]'), 'B')`;

/**
 * Search never reveals a hidden word (written by hand, like the search objects it
 * replaces; db.ts tells the schema diff to skip them). `search_vector` holds what everyone
 * may read: title (A), tags (B) and the body (C) of public content, only the preview of
 * gated content. `body_vector` holds the whole text of gated content (null for public
 * content), matched only for viewers who may read it. Both generated, both GIN-indexed.
 */
export class Migration20261202050000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index if exists "contents_search_vector_index";`);
    this.addSql(`alter table "contents" drop column if exists "search_vector";`);
    this.addSql(`alter table "contents" add column "search_vector" tsvector generated always as (
      ${TITLE_TAGS} ||
      setweight(to_tsvector('english', case when "visibility" = 'PUBLIC' then "body"
        else coalesce("preview", '') end), 'C')) stored;`);
    this.addSql(`alter table "contents" add column "body_vector" tsvector generated always as (
      case when "visibility" = 'PUBLIC' then null else
      ${TITLE_TAGS} ||
      setweight(to_tsvector('english', "body"), 'C') end) stored;`);
    this.addSql(
      `create index "contents_search_vector_index" on "contents" using gin ("search_vector");`,
    );
    this.addSql(
      `create index "contents_body_vector_index" on "contents" using gin ("body_vector");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "contents_body_vector_index";`);
    this.addSql(`alter table "contents" drop column if exists "body_vector";`);
    this.addSql(`drop index if exists "contents_search_vector_index";`);
    this.addSql(`alter table "contents" drop column if exists "search_vector";`);
    this.addSql(`alter table "contents" add column "search_vector" tsvector generated always as (
      ${TITLE_TAGS} ||
      setweight(to_tsvector('english', "body"), 'C')) stored;`);
    this.addSql(
      `create index "contents_search_vector_index" on "contents" using gin ("search_vector");`,
    );
  }
}
