import { Migration } from '@mikro-orm/migrations';

const TOKENIZE = `tokenize = 'porter unicode61 remove_diacritics 0'`;
const TAGS = (row: string) => `(select group_concat(value, ' ') from json_each(${row}.tags))`;

/** The FTS5 table with its triggers; `hidden` adds the column of gated bodies. */
function searchObjects(hidden: boolean): string[] {
  const columns = hidden
    ? 'content_id, title, tags, body, hidden'
    : 'content_id, title, tags, body';
  const values = (r: string) =>
    hidden
      ? `${r}.id, ${r}.title, ${TAGS(r)},
         case when ${r}.visibility = 'PUBLIC' then ${r}.body else coalesce(${r}.preview, '') end,
         case when ${r}.visibility = 'PUBLIC' then '' else ${r}.body end`
      : `${r}.id, ${r}.title, ${TAGS(r)}, ${r}.body`;
  const watched = hidden ? 'title, tags, body, visibility, preview' : 'title, tags, body';
  return [
    'drop trigger if exists contents_fts_insert;',
    'drop trigger if exists contents_fts_update;',
    'drop trigger if exists contents_fts_delete;',
    'drop table if exists content_fts;',
    `create virtual table content_fts using fts5(
      ${columns.replace('content_id', 'content_id unindexed')}, ${TOKENIZE});`,
    `create trigger contents_fts_insert after insert on contents begin
      insert into content_fts (${columns}) values (${values('new')});
    end;`,
    `create trigger contents_fts_update after update of ${watched} on contents begin
      delete from content_fts where content_id = old.id;
      insert into content_fts (${columns}) values (${values('new')});
    end;`,
    `create trigger contents_fts_delete after delete on contents begin
      delete from content_fts where content_id = old.id;
    end;`,
    `insert into content_fts (${columns}) select ${values('contents')} from contents;`,
  ];
}

/**
 * Search never reveals a hidden word (written by hand, like the search objects it
 * replaces; db.ts tells the schema diff to skip them). `body` now holds what everyone may
 * read (the body of public content, the preview of gated content) and `hidden` the whole
 * body of gated content ('' for public content), matched only for viewers who may read it.
 * The triggers also follow visibility and preview; every row is indexed again.
 */
export class Migration20261202050000 extends Migration {
  override async up(): Promise<void> {
    for (const sql of searchObjects(true)) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const sql of searchObjects(false)) this.addSql(sql);
  }
}
