import { Migration } from '@mikro-orm/migrations';

export class Migration20261202133958 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "ad_impressions" ("token_id" varchar(32) not null, "campaign_id" uuid not null, "creative_id" uuid not null, "viewer_key" varchar(110) not null, "at" bigint not null, "clicked_at" bigint null, constraint "ad_impressions_pkey" primary key ("token_id"));`,
    );
    this.addSql(
      `create index "ad_impressions_campaign_id_at_index" on "ad_impressions" ("campaign_id", "at");`,
    );

    this.addSql(
      `create table "ad_campaigns" ("id" uuid not null, "organization_id" uuid not null, "name" varchar(100) not null, "status" varchar(8) not null, "budget_minor" int not null, "cpm_minor" int not null, "currency" varchar(3) not null, "spent_micros" bigint not null default 0, "impressions" int not null default 0, "clicks" int not null default 0, "starts_at" timestamptz(3) not null, "ends_at" timestamptz(3) not null, "pacing" varchar(4) not null, "tags" jsonb not null, "kinds" jsonb not null, "cap_impressions" int null, "cap_hours" int null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, "version" int not null default 1, constraint "ad_campaigns_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "ad_campaigns_status_index" on "ad_campaigns" ("status");`);
    this.addSql(
      `create index "ad_campaigns_organization_id_created_at_index" on "ad_campaigns" ("organization_id", "created_at");`,
    );

    this.addSql(
      `create table "ad_creatives" ("id" uuid not null, "campaign_id" uuid not null, "headline" varchar(120) not null, "body" text null, "image_url" text null, "click_url" text not null, "created_at" timestamptz(3) not null, constraint "ad_creatives_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "ad_creatives_campaign_id_created_at_index" on "ad_creatives" ("campaign_id", "created_at");`,
    );

    this.addSql(
      `alter table "ad_campaigns" add constraint "ad_campaigns_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "ad_creatives" add constraint "ad_creatives_campaign_id_foreign" foreign key ("campaign_id") references "ad_campaigns" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "ad_creatives" drop constraint "ad_creatives_campaign_id_foreign";`);

    this.addSql(`drop table if exists "ad_impressions" cascade;`);

    this.addSql(`drop table if exists "ad_campaigns" cascade;`);

    this.addSql(`drop table if exists "ad_creatives" cascade;`);
  }
}
