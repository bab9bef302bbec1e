import { Migration } from '@mikro-orm/migrations';

export class Migration20261202041822 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "billing_events" ("id" varchar(255) not null, "type" varchar(100) not null, "received_at" timestamptz(3) not null, constraint "billing_events_pkey" primary key ("id"));`,
    );

    this.addSql(
      `create table "tiers" ("id" uuid not null, "creator_id" uuid not null, "name" varchar(80) not null, "description" text null, "price_minor" int not null, "currency" varchar(3) not null, "interval" varchar(8) not null, "perks" jsonb not null, "archived" boolean not null default false, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, constraint "tiers_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "tiers_creator_id_archived_price_minor_index" on "tiers" ("creator_id", "archived", "price_minor");`,
    );

    this.addSql(
      `create table "memberships" ("id" uuid not null, "tier_id" uuid not null, "member_id" uuid not null, "creator_id" uuid not null, "status" varchar(16) not null, "current_period_end" timestamptz(3) null, "cancel_at_period_end" boolean not null default false, "open_key" varchar(80) null, "checkout_url" text null, "provider_subscription_id" varchar(255) null, "provider_customer_id" varchar(255) null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, constraint "memberships_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "memberships" add constraint "memberships_open_key_unique" unique ("open_key");`,
    );
    this.addSql(
      `create index "memberships_provider_subscription_id_index" on "memberships" ("provider_subscription_id");`,
    );
    this.addSql(
      `create index "memberships_status_current_period_end_index" on "memberships" ("status", "current_period_end");`,
    );
    this.addSql(
      `create index "memberships_creator_id_created_at_id_index" on "memberships" ("creator_id", "created_at", "id");`,
    );
    this.addSql(
      `create index "memberships_tier_id_status_created_at_id_index" on "memberships" ("tier_id", "status", "created_at", "id");`,
    );
    this.addSql(
      `create index "memberships_member_id_status_index" on "memberships" ("member_id", "status");`,
    );

    this.addSql(
      `alter table "tiers" add constraint "tiers_creator_id_foreign" foreign key ("creator_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "memberships" add constraint "memberships_tier_id_foreign" foreign key ("tier_id") references "tiers" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "memberships" add constraint "memberships_member_id_foreign" foreign key ("member_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "contents" add column "visibility" varchar(16) not null default 'PUBLIC', add column "tier_ids" jsonb not null default '[]', add column "preview" text null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "memberships" drop constraint "memberships_tier_id_foreign";`);

    this.addSql(`drop table if exists "billing_events" cascade;`);

    this.addSql(`drop table if exists "tiers" cascade;`);

    this.addSql(`drop table if exists "memberships" cascade;`);

    this.addSql(
      `alter table "contents" drop column "visibility", drop column "tier_ids", drop column "preview";`,
    );
  }
}
