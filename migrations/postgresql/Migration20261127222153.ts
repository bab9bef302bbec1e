import { Migration } from '@mikro-orm/migrations';

export class Migration20261127222153 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "rec_engagements" ("viewer_key" varchar(110) not null, "content_id" varchar(36) not null, "score" double precision not null, "kinds" int not null, "last_at" bigint not null, constraint "rec_engagements_pkey" primary key ("viewer_key", "content_id"));`,
    );
    this.addSql(
      `create index "rec_engagements_content_id_index" on "rec_engagements" ("content_id");`,
    );

    this.addSql(
      `create table "rec_models" ("name" varchar(32) not null, "built_at" bigint not null, "building_until" bigint not null, "data" text not null, constraint "rec_models_pkey" primary key ("name"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "rec_engagements" cascade;`);

    this.addSql(`drop table if exists "rec_models" cascade;`);
  }
}
