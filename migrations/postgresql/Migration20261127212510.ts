import { Migration } from '@mikro-orm/migrations';

export class Migration20261127212510 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "metric_events" ("viewer_key" varchar(110) not null, "event_id" varchar(100) not null, "type" varchar(8) not null, "content_id" varchar(36) not null, "value" double precision not null, "occurred_at" bigint not null, "received_at" bigint not null, constraint "metric_events_pkey" primary key ("viewer_key", "event_id"));`,
    );
    this.addSql(
      `create index "metric_events_received_at_index" on "metric_events" ("received_at");`,
    );

    this.addSql(
      `create table "metric_rollups" ("scope" varchar(36) not null, "metric" varchar(16) not null, "minute" int not null, "value" double precision not null, constraint "metric_rollups_pkey" primary key ("scope", "metric", "minute"));`,
    );

    this.addSql(
      `create table "metric_view_marks" ("viewer_key" varchar(110) not null, "content_id" varchar(36) not null, "counted_at" bigint not null, constraint "metric_view_marks_pkey" primary key ("viewer_key", "content_id"));`,
    );
    this.addSql(
      `create index "metric_view_marks_counted_at_index" on "metric_view_marks" ("counted_at");`,
    );

    this.addSql(
      `alter table "contents" add column "share_count" int not null default 0, add column "watch_seconds" double precision not null default 0;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "metric_events" cascade;`);

    this.addSql(`drop table if exists "metric_rollups" cascade;`);

    this.addSql(`drop table if exists "metric_view_marks" cascade;`);

    this.addSql(`alter table "contents" drop column "share_count", drop column "watch_seconds";`);
  }
}
