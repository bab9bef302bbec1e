import { Migration } from '@mikro-orm/migrations';

export class Migration20261202134228 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "rec_models" add column "events" bigint not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "rec_models" drop column "events";`);
  }
}
