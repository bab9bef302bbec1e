import { Migration } from '@mikro-orm/migrations';

/**
 * Full-text search (written by hand: entities do not describe it, and db.ts tells the
 * schema diff to skip it). An FTS5 table with the Porter stemmer over title, tags and
 * body, kept in step with `contents` by triggers.
 */
export class Migration20261127190000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create virtual table content_fts using fts5(
      content_id unindexed, title, tags, body, tokenize = 'porter unicode61 remove_diacritics 0');`);
    const row = `new.id, new.title, (select group_concat(value, ' ') from json_each(new.tags)), new.body`;
    this.addSql(`create trigger contents_fts_insert after insert on contents begin
      insert into content_fts (content_id, title, tags, body) values (${row});
    end;`);
    this
      .addSql(`create trigger contents_fts_update after update of title, tags, body on contents begin
      delete from content_fts where content_id = old.id;
      insert into content_fts (content_id, title, tags, body) values (${row});
    end;`);
    this.addSql(`create trigger contents_fts_delete after delete on contents begin
      delete from content_fts where content_id = old.id;
    end;`);
    this.addSql(`insert into content_fts (content_id, title, tags, body)
      select id, title, (select group_concat(value, ' ') from json_each(tags)), body from contents;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger if exists contents_fts_insert;');
    this.addSql('drop trigger if exists contents_fts_update;');
    this.addSql('drop trigger if exists contents_fts_delete;');
    this.addSql('drop table if exists content_fts;');
  }
}
