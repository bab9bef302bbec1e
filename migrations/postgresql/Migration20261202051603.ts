import { Migration } from '@mikro-orm/migrations';

export class Migration20261202051603 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "organizations" ("id" uuid not null, "name" varchar(100) not null, "slug" varchar(30) not null, "profile_id" uuid not null, "created_at" timestamptz(3) not null, constraint "organizations_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "organizations" add constraint "organizations_slug_unique" unique ("slug");`,
    );
    this.addSql(
      `alter table "organizations" add constraint "organizations_profile_id_unique" unique ("profile_id");`,
    );

    this.addSql(
      `create table "organization_members" ("id" uuid not null, "organization_id" uuid not null, "user_id" uuid not null, "role" varchar(8) not null, "added_at" timestamptz(3) not null, constraint "organization_members_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "organization_members_user_id_index" on "organization_members" ("user_id");`,
    );
    this.addSql(
      `alter table "organization_members" add constraint "organization_members_organization_id_user_id_unique" unique ("organization_id", "user_id");`,
    );

    this.addSql(
      `create table "api_keys" ("id" uuid not null, "organization_id" uuid not null, "name" varchar(100) not null, "prefix" varchar(32) not null, "hash" varchar(64) not null, "scopes" jsonb not null, "rate_limit_per_minute" int not null, "created_by_id" uuid not null, "created_at" timestamptz(3) not null, "expires_at" timestamptz(3) null, "last_used_at" timestamptz(3) null, "revoked_at" timestamptz(3) null, constraint "api_keys_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "api_keys" add constraint "api_keys_prefix_unique" unique ("prefix");`,
    );
    this.addSql(
      `create index "api_keys_organization_id_created_at_index" on "api_keys" ("organization_id", "created_at");`,
    );

    this.addSql(
      `alter table "organizations" add constraint "organizations_profile_id_foreign" foreign key ("profile_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "organization_members" add constraint "organization_members_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "organization_members" add constraint "organization_members_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "api_keys" add constraint "api_keys_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "api_keys" add constraint "api_keys_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "organization_members" drop constraint "organization_members_organization_id_foreign";`,
    );

    this.addSql(`alter table "api_keys" drop constraint "api_keys_organization_id_foreign";`);

    this.addSql(`drop table if exists "organizations" cascade;`);

    this.addSql(`drop table if exists "organization_members" cascade;`);

    this.addSql(`drop table if exists "api_keys" cascade;`);
  }
}
